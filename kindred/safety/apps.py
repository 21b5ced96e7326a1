from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "kindred.safety"
    label = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        from kindred.consent.accesslog import register_member_read
        from kindred.safety.access import FLAG_READ_EVENT

        # A look at a clinical flag names the member: it belongs in their "who looked" log.
        register_member_read("safety.flag", FLAG_READ_EVENT)
