from django.urls import path

from kindred.community import views

urlpatterns = [
    path("", views.space_list, name="community_spaces"),
    path("search/", views.search, name="community_search"),
    path("activity/", views.activity, name="community_activity"),
    path("posts/<int:post_id>/edit/", views.edit_post, name="community_edit_post"),
    path("posts/<int:post_id>/delete/", views.delete_post, name="community_delete_post"),
    path("posts/<int:post_id>/react/", views.react, name="community_react"),
    path("posts/<int:post_id>/history/", views.post_history, name="community_post_history"),
    path("posts/<int:post_id>/hide/", views.hide_post, name="community_hide_post"),
    path("posts/<int:post_id>/restore/", views.restore_post, name="community_restore_post"),
    path("posts/<int:post_id>/release/", views.release_post, name="community_release_post"),
    path("threads/<int:thread_id>/mute/", views.mute, name="community_mute"),
    path("threads/<int:thread_id>/lock/", views.lock_thread, name="community_lock"),
    path("threads/<int:thread_id>/move/", views.move_thread, name="community_move"),
    path("<slug:slug>/", views.space_index, name="community_space"),
    path("<slug:slug>/guidelines/", views.guidelines, name="community_guidelines"),
    path("<slug:slug>/new/", views.new_thread, name="community_new_thread"),
    path("<slug:slug>/threads/<int:thread_id>/", views.thread_detail, name="community_thread"),
    path("<slug:slug>/threads/<int:thread_id>/reply/", views.reply, name="community_reply"),
    path(
        "<slug:slug>/members/<str:handle>/suspend/", views.suspend_member, name="community_suspend"
    ),
]
