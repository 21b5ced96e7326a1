from django.urls import URLPattern, URLResolver, path

from kindred.rights import export_views

app_name = "rights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("export/", export_views.export, name="export"),
    path("export/<str:token>/", export_views.export_download, name="export_download"),
]
