from kindred.rights.deletion_models import AccountDeletion, DeletionState, PostsChoice

__all__ = ["AccountDeletion", "DeletionState", "PostsChoice"]
