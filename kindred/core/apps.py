from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindred.core"
    label = "core"
    verbose_name = "Kindred core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Every app's event builders register their schemas on import: load them all,
        # so the registry in kindred.core.events is complete.
        autodiscover_modules("events")
