from django.urls import path

from kindred.messaging import views_therapist as views

urlpatterns = [
    path("", views.index, name="therapist_messages"),
    path("new/<int:member_id>/", views.start, name="therapist_message_client"),
    path("<int:conversation_id>/", views.conversation, name="therapist_conversation"),
]
