from django.urls import URLPattern, URLResolver, path

from kindred.guide import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.guide, name="guide"),
    path("save/", views.save, name="guide_save"),
    path("saved/", views.saved_list, name="guide_saved_list"),
    path("saved/<int:guide_id>/", views.saved_detail, name="guide_saved_detail"),
    path("saved/<int:guide_id>/delete/", views.saved_delete, name="guide_saved_delete"),
]
