from django.urls import path

from kindred.safety import views

urlpatterns = [
    path("help/", views.get_help, name="get_help"),
    path("safety/plan/", views.safety_plan, name="safety_plan"),
    path("safety/plan/edit/", views.safety_plan_edit, name="safety_plan_edit"),
    path("safety/messages/", views.support_messages, name="safety_messages"),
    path("safety/report/", views.report, name="safety_report"),
    path("safety/blocks/", views.blocks, name="safety_blocks"),
    path("safety/blocks/<str:handle>/remove/", views.unblock, name="safety_unblock"),
    # Role areas, gated by RoleMFAMiddleware; access_flag decides per flag.
    path("moderation/", views.queue, name="safety_queue"),
    path("moderation/duty/", views.duty, name="safety_duty"),
    path("moderation/flags/<int:flag_id>/", views.flag_detail, name="safety_flag"),
    path(
        "moderation/flags/<int:flag_id>/<slug:action>/",
        views.flag_action,
        name="safety_flag_action",
    ),
    path("staff/flags/<int:flag_id>/", views.flag_detail, name="staff_flag"),
    path("staff/flags/<int:flag_id>/<slug:action>/", views.flag_action, name="staff_flag_action"),
    path("therapist/flags/<int:flag_id>/", views.flag_detail, name="therapist_flag"),
    path(
        "therapist/flags/<int:flag_id>/<slug:action>/",
        views.flag_action,
        name="therapist_flag_action",
    ),
]
