from django.urls import path

from kindred.messaging import views_member as views

urlpatterns = [
    path("", views.my_therapists, name="my_therapists"),
    path("<int:therapist_id>/message/", views.start, name="my_therapist_message"),
]
