from django.urls import path

from kindred.bookings import views

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="bookings_calendar_feed"),
]
