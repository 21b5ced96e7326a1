from django.urls import path

from kindred.plans import views_therapist as views

urlpatterns = [
    path("", views.index, name="therapist_plans"),
    path("new/<int:member_id>/", views.new, name="therapist_plan_new"),
    path("<int:plan_id>/", views.detail, name="therapist_plan"),
    path("<int:plan_id>/revise/", views.revise, name="therapist_plan_revise"),
    path("<int:plan_id>/history/", views.history, name="therapist_plan_history"),
    path("<int:plan_id>/comment/", views.comment, name="therapist_plan_comment"),
    path(
        "<int:plan_id>/objectives/<int:key>/value/",
        views.record_value,
        name="therapist_plan_value",
    ),
    path(
        "<int:plan_id>/objectives/<int:key>/attainment/",
        views.score_attainment,
        name="therapist_plan_attainment",
    ),
]
