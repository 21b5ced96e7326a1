from django.urls import path

from kindred.plans import views_member as views

urlpatterns = [
    path("", views.index, name="my_plans"),
    path("<int:plan_id>/", views.detail, name="my_plan"),
    path("<int:plan_id>/acknowledge/", views.acknowledge, name="my_plan_acknowledge"),
    path("<int:plan_id>/comment/", views.comment, name="my_plan_comment"),
]
