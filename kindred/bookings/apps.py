from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "kindred.bookings"
    label = "bookings"
    verbose_name = "Availability and bookings"

    def ready(self) -> None:
        from kindred.bookings import calendar
        from kindred.core.calendar import register_source

        register_source("bookings", calendar.events_for)
