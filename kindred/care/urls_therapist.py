# Behind RoleMFAMiddleware's /therapist/ gate (role + second factor); the action
# checks the treatment relationship itself.
from django.urls import URLPattern, URLResolver, path

from kindred.care import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:member_id>/discharge/", views.discharge, name="care_discharge"),
]
