from django.urls import URLPattern, URLResolver, path

from kindred.rights import deletion_views, export_views

app_name = "rights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("export/", export_views.export, name="export"),
    path("export/<str:token>/", export_views.export_download, name="export_download"),
    path("delete/", deletion_views.delete_account, name="deletion"),
    path("delete/confirm/", deletion_views.confirm_deletion, name="deletion_confirm"),
    path("delete/cancel/", deletion_views.cancel_deletion, name="deletion_cancel"),
]
