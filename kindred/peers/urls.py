from django.urls import URLPattern, URLResolver, path

from kindred.peers import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="peers_home"),
    path("profile/", views.profile, name="peers_profile"),
    path("profile/edit/", views.edit_profile, name="peers_profile_edit"),
    path("profile/delete/", views.delete_profile, name="peers_profile_delete"),
    path("profile/training/", views.add_training, name="peers_training_add"),
    path(
        "profile/training/<int:training_id>/remove/",
        views.remove_training,
        name="peers_training_remove",
    ),
    path("suggestions/", views.suggestions, name="peers_suggestions"),
    path("suggestions/<int:user_id>/hide/", views.hide, name="peers_hide"),
    path("suggestions/<int:user_id>/request/", views.send_request, name="peers_request"),
    path("connections/", views.connections, name="peers_connections"),
    path("connections/<int:connection_id>/", views.connection, name="peers_connection"),
    path("connections/<int:connection_id>/rate/", views.rate, name="peers_rate"),
    path("connections/<int:connection_id>/report/", views.report, name="peers_report"),
    path(
        "connections/<int:connection_id>/<slug:action>/",
        views.connection_action,
        name="peers_connection_action",
    ),
]
