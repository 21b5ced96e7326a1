from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "kindred.measures"
    label = "measures"

    def ready(self) -> None:
        from kindred.core.script_strings import register_script_strings
        from kindred.measures import script_strings
        from kindred.measures.definitions import get_library

        register_script_strings("measures", script_strings.STRINGS)

        # Validate every instrument file at start-up: a broken definition stops the
        # process with the file's name rather than mis-scoring someone later.
        get_library()
