from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "kindred.guide"
    label = "guide"
