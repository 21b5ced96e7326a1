from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "kindred.community"
    label = "community"
    verbose_name = "Community spaces"

    def ready(self) -> None:
        from kindred.community import held, reporting

        reporting.register_reportables()
        held.register_held_content()
        held.register_flagged_content()
