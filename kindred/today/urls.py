from django.urls import path

from kindred.today import views

urlpatterns = [
    path("welcome/", views.welcome, name="today_welcome"),
    path("mood/", views.mood, name="today_mood"),
]
