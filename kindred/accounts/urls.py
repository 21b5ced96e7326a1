"""allauth pages we answer ourselves (mounted before ``allauth.urls``, same names)."""

from django.urls import path

from kindred.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="account_login"),
    path("2fa/authenticate/", views.MFAAuthenticateView.as_view(), name="mfa_authenticate"),
]
