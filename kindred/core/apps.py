from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindred.core"
    label = "core"
    verbose_name = "Kindred core"
