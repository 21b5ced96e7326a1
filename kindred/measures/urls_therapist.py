# Everything here is behind RoleMFAMiddleware's /therapist/ gate (role + second factor).
from django.urls import path

from kindred.measures import views_therapist as views

urlpatterns = [
    path("", views.index, name="therapist_measures"),
    path("assign/", views.assign, name="therapist_measures_assign"),
    path("assignments/<int:assignment_id>/stop/", views.stop, name="therapist_measures_stop"),
    path("<int:member_id>/", views.client, name="therapist_measures_client"),
    path("<int:member_id>/export.fhir.json", views.client_export, name="therapist_measures_export"),
]
