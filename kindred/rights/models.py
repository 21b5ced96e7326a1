from kindred.rights.deletion_models import AccountDeletion, DeletionState, PostsChoice
from kindred.rights.export_models import DataExport, ExportStatus

__all__ = ["AccountDeletion", "DataExport", "DeletionState", "ExportStatus", "PostsChoice"]
