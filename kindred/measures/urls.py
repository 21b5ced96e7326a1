from django.urls import path

from kindred.measures import views

urlpatterns = [
    path("", views.index, name="measures_index"),
    path("export.fhir.json", views.export_fhir, name="measures_export"),
    path("results/<int:response_id>/", views.result, name="measures_result"),
    path("<slug:instrument>/", views.take, name="measures_take"),
    path("<slug:instrument>/draft/", views.save_draft, name="measures_save_draft"),
    path("<slug:instrument>/history/", views.history, name="measures_history"),
]
