from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kindred.messaging"
    label = "messaging"
    verbose_name = "Secure messages"
