from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "kindred.rooms"
    label = "rooms"
    verbose_name = "Real-time rooms"

    def ready(self) -> None:
        from kindred.rooms import held

        held.register_held_content()
        held.register_flagged_content()
