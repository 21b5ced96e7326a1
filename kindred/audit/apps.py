from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kindred.audit"
    label = "audit"
    verbose_name = "Audit log"
