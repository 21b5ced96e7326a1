from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kindred.care"
    label = "care"
