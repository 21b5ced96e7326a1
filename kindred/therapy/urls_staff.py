# Everything here is behind RoleMFAMiddleware's /staff/ gate (role + second factor).
from django.urls import path

from kindred.therapy import views

urlpatterns = [
    path("", views.review_queue, name="staff_therapist_queue"),
    path("<int:profile_id>/", views.review_profile, name="staff_therapist_review"),
]
