from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "kindred.therapy"
    label = "therapy"
