from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kindred.messaging"
    label = "messaging"
    verbose_name = "Secure messages"

    def ready(self) -> None:
        from kindred.messaging.actions import send_from_handover
        from kindred.safety.outreach import MESSENGER, MESSENGERS

        MESSENGERS.register(MESSENGER, send_from_handover, replace=True)
