from django.urls import URLPattern, URLResolver, path

app_name = "rights"

urlpatterns: list[URLPattern | URLResolver] = []

# Deletion (kindred.rights.deletion_views).
from kindred.rights import deletion_views  # noqa: E402

urlpatterns += [
    path("delete/", deletion_views.delete_account, name="deletion"),
    path("delete/confirm/", deletion_views.confirm_deletion, name="deletion_confirm"),
    path("delete/cancel/", deletion_views.cancel_deletion, name="deletion_cancel"),
]
