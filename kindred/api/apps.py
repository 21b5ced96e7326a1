from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kindred.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from kindred.api import signals  # noqa: F401 - connects the receivers
