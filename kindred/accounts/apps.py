from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kindred.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # The receivers that remember where each account signs in from.
        from kindred.accounts import adapter  # noqa: F401
