# Behind RoleMFAMiddleware's /therapist/ gate (role + second factor); every view
# also goes through kindred.clinical.access for the treatment relationship.
from django.urls import path

from kindred.clinical import views

urlpatterns = [
    path("", views.clients, name="clinical_clients"),
    path("<int:member_id>/", views.client_record, name="clinical_record"),
    path("<int:member_id>/intake/request/", views.request_intake, name="clinical_request_intake"),
    path("<int:member_id>/diagnoses/new/", views.new_diagnosis, name="clinical_new_diagnosis"),
    path("<int:member_id>/notes/new/", views.new_note, name="clinical_new_note"),
    path("notes/<int:note_id>/edit/", views.edit_note, name="clinical_edit_note"),
    path("notes/<int:note_id>/sign/", views.sign_note, name="clinical_sign_note"),
    path("notes/<int:note_id>/addendum/", views.add_addendum, name="clinical_add_addendum"),
    path(
        "<int:member_id>/process-notes/new/",
        views.new_psychotherapy_note,
        name="clinical_new_psychotherapy_note",
    ),
    path(
        "process-notes/<int:note_id>/edit/",
        views.edit_psychotherapy_note,
        name="clinical_edit_psychotherapy_note",
    ),
]
