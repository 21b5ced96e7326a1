from django.urls import path

from kindred.safety import views

urlpatterns = [
    path("help/", views.get_help, name="get_help"),
]
