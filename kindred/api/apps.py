from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kindred.api"
    label = "api"
    verbose_name = "API"
