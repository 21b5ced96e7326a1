from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "kindred.measures"
    label = "measures"
