from kindred.rights.export_models import DataExport, ExportStatus

__all__ = ["DataExport", "ExportStatus"]
