from django.urls import path

from kindred.clinical import views

urlpatterns = [
    path("<int:therapist_id>/", views.my_intake, name="clinical_my_intake"),
]
