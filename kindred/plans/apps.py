from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kindred.plans"
    label = "plans"
    verbose_name = "Treatment plans"
