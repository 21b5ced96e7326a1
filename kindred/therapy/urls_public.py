from django.urls import path

from kindred.therapy import views

urlpatterns = [
    path("", views.directory, name="therapy_directory"),
    path("<int:profile_id>/", views.public_profile, name="therapy_profile"),
]
