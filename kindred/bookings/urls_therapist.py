from django.urls import path

from kindred.bookings import views_therapist as views

urlpatterns = [
    path("availability/", views.availability, name="therapist_availability"),
    path("availability/weekly/", views.add_weekly, name="therapist_availability_weekly"),
    path(
        "availability/weekly/<int:rule_id>/delete/",
        views.remove_weekly,
        name="therapist_availability_weekly_delete",
    ),
    path("availability/time-off/", views.add_time_off, name="therapist_availability_off"),
    path("availability/extra/", views.add_extra, name="therapist_availability_extra"),
    path(
        "availability/exceptions/<int:exception_id>/delete/",
        views.remove_exception,
        name="therapist_availability_exception_delete",
    ),
    path("bookings/", views.schedule, name="therapist_bookings"),
    path(
        "bookings/<int:booking_id>/attendance/",
        views.attendance,
        name="therapist_bookings_attendance",
    ),
    path("bookings/<int:booking_id>/cancel/", views.cancel, name="therapist_bookings_cancel"),
]
