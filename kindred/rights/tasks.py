"""The app's tasks, found by huey's autodiscovery of ``tasks`` modules."""

from kindred.rights.export_tasks import build_export_file, delete_expired_exports

__all__ = ["build_export_file", "delete_expired_exports"]
