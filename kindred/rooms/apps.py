from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "kindred.rooms"
    label = "rooms"
    verbose_name = "Real-time rooms"

    def ready(self) -> None:
        from kindred.core.script_strings import register_script_strings
        from kindred.rooms import held, script_strings

        held.register_held_content()
        held.register_flagged_content()
        register_script_strings("rooms", script_strings.STRINGS)
