# Everything here is behind RoleMFAMiddleware's /therapist/ gate (role + second factor).
from django.urls import path

from kindred.therapy import views

urlpatterns = [
    path("", views.therapist_home, name="therapist_home"),
    path("profile/", views.edit_profile, name="therapist_profile"),
    path("profile/submit/", views.submit_profile, name="therapist_profile_submit"),
]
