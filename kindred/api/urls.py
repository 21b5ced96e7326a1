from django.urls import path

from kindred.api import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", views.revoke_token, name="api_token_revoke"),
]
