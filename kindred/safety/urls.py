from django.urls import path

from kindred.safety import views

urlpatterns = [
    path("help/", views.get_help, name="get_help"),
    path("safety/plan/", views.safety_plan, name="safety_plan"),
    path("safety/plan/edit/", views.safety_plan_edit, name="safety_plan_edit"),
    path("safety/messages/", views.support_inbox, name="safety_messages"),
    path(
        "safety/messages/<int:conversation_id>/",
        views.member_conversation,
        name="safety_conversation",
    ),
    # The supporting side (facilitators and the safety team); access_staff_support_conversation
    # decides per conversation.
    path("safety/support/", views.staff_support_inbox, name="safety_support"),
    path(
        "safety/support/<int:conversation_id>/",
        views.staff_conversation,
        name="safety_support_conversation",
    ),
    path("safety/report/", views.report, name="safety_report"),
    path("safety/blocks/", views.blocks, name="safety_blocks"),
    path("safety/blocks/<str:handle>/remove/", views.unblock, name="safety_unblock"),
    # Role areas, gated by RoleMFAMiddleware; access_flag decides per flag.
    path("moderation/", views.queue, name="safety_queue"),
    path("moderation/duty/", views.duty, name="safety_duty"),
    path("moderation/flags/<int:flag_id>/", views.flag_detail, name="safety_flag"),
    # Before the actions: "content" is a page, not an action.
    path("moderation/flags/<int:flag_id>/content/", views.flag_content, name="safety_flag_content"),
    path(
        "moderation/flags/<int:flag_id>/<slug:action>/",
        views.flag_action,
        name="safety_flag_action",
    ),
    path("staff/flags/<int:flag_id>/", views.flag_detail, name="staff_flag"),
    path("staff/flags/<int:flag_id>/content/", views.flag_content, name="staff_flag_content"),
    path("staff/flags/<int:flag_id>/<slug:action>/", views.flag_action, name="staff_flag_action"),
    path("therapist/flags/<int:flag_id>/", views.flag_detail, name="therapist_flag"),
    # A flag handed over to this therapist takes the hand-over's actions; an open clinical
    # flag routed to them, the clinician's (views.therapist_flag_action decides).
    path(
        "therapist/flags/<int:flag_id>/<slug:action>/",
        views.therapist_flag_action,
        name="therapist_flag_action",
    ),
]
