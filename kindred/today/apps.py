from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "kindred.today"
    label = "today"
    verbose_name = "Today (the signed-in home) and onboarding"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from django.contrib.auth.signals import user_logged_in

        from kindred.today.signals import remember_onboarding, start_onboarding

        user_signed_up.connect(start_onboarding, dispatch_uid="today.start_onboarding")
        user_logged_in.connect(remember_onboarding, dispatch_uid="today.remember_onboarding")
