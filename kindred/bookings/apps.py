from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "kindred.bookings"
    label = "bookings"
    verbose_name = "Availability and bookings"
