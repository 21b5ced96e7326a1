from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "kindred.rights"
    label = "rights"
    verbose_name = _("Data rights")

    def ready(self) -> None:
        # Each app's export section (kindred/core/export.py).
        from kindred.rights.export import discover_sections

        discover_sections()

        # Deletion: the hourly and daily tasks, and the "cancel?" answer to signing in
        # to an account whose deletion is pending (registered into accounts).
        # Each app's retention rules (kindred/core/retention.py).
        from django.utils.module_loading import autodiscover_modules

        from kindred.rights import deletion_tasks, deletion_views  # noqa: F401

        autodiscover_modules("retention")
