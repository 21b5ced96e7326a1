from django.urls import path

from kindred.bookings import views

urlpatterns = [
    path("", views.home, name="bookings_home"),
    path("calendar/", views.calendar_settings, name="bookings_calendar"),
    path("<int:booking_id>/cancel/", views.cancel, name="bookings_cancel"),
    path("therapists/<int:therapist_id>/", views.therapist_slots, name="bookings_therapist"),
]
