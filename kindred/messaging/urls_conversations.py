from django.urls import path

from kindred.messaging import views_member as views

urlpatterns = [
    path("", views.index, name="my_conversations"),
    path("<int:conversation_id>/", views.conversation, name="my_conversation"),
]
