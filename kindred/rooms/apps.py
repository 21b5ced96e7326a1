from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "kindred.rooms"
    label = "rooms"
    verbose_name = "Real-time rooms"
