"""The app's tasks, found by huey's autodiscovery of ``tasks`` modules."""

from kindred.rights.export_tasks import build_export_file, delete_expired_exports
from kindred.rights.retention_tasks import apply_retention

__all__ = ["apply_retention", "build_export_file", "delete_expired_exports"]
