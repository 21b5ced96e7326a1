from django.urls import path

from kindred.groups import views, views_manage, views_session

urlpatterns = [
    path("", views.group_list, name="groups_list"),
    path("new/", views.new_group, name="groups_new"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="groups_calendar_feed"),
    path("<int:group_id>/", views.group_detail, name="groups_detail"),
    path("<int:group_id>/join/", views.join, name="groups_join"),
    path("<int:group_id>/leave/", views.leave, name="groups_leave"),
    path("<int:group_id>/edit/", views_manage.edit_group, name="groups_edit"),
    path("<int:group_id>/archive/", views_manage.archive_group, name="groups_archive"),
    path("sessions/<int:session_id>/", views_session.session_page, name="groups_session"),
    path("sessions/<int:session_id>/calendar.ics", views.session_ics, name="groups_session_ics"),
    path(
        "sessions/<int:session_id>/checkin/", views_session.check_in, name="groups_session_checkin"
    ),
    path("sessions/<int:session_id>/hand/", views_session.hand, name="groups_session_hand"),
    path("sessions/<int:session_id>/rate/", views_session.rate, name="groups_session_rate"),
    path("sessions/<int:session_id>/open/", views_session.open_room, name="groups_session_open"),
    path("sessions/<int:session_id>/close/", views_session.close_room, name="groups_session_close"),
    path("sessions/<int:session_id>/pin/", views_session.pin_norms, name="groups_session_pin"),
    path(
        "sessions/<int:session_id>/next-hand/",
        views_session.next_hand,
        name="groups_session_next_hand",
    ),
    path("sessions/<int:session_id>/mute/", views_session.mute, name="groups_session_mute"),
    path("sessions/<int:session_id>/unmute/", views_session.unmute, name="groups_session_unmute"),
    path("sessions/<int:session_id>/remove/", views_session.remove, name="groups_session_remove"),
    path("sessions/<int:session_id>/end/", views_session.end_session, name="groups_session_end"),
    path(
        "sessions/<int:session_id>/support/<int:flag_id>/",
        views_session.reach_out,
        name="groups_session_reach_out",
    ),
    path(
        "sessions/<int:session_id>/cancel/",
        views_manage.cancel_session,
        name="groups_session_cancel",
    ),
]
