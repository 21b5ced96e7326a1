# Everything here is behind RoleMFAMiddleware's /staff/ gate (role + second factor).
from django.urls import path

from kindred.measures import views_staff as views

urlpatterns = [
    path("", views.outcomes, name="staff_outcomes"),
]
