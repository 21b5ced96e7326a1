from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "kindred.clinical"
    label = "clinical"
    verbose_name = "Clinical record"
