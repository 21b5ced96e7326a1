from django.urls import path

from kindred.rooms import views

urlpatterns = [
    path("<int:room_id>/support/dismiss/", views.dismiss_support, name="rooms_dismiss_support"),
]
