from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kindred.care"
    label = "care"

    def ready(self) -> None:
        from kindred.care import builtin

        builtin.register()
