from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kindred.care"
    label = "care"

    def ready(self) -> None:
        from kindred.accounts.lifecycle import register_account_closed_handler
        from kindred.care import actions, builtin

        builtin.register()
        register_account_closed_handler("care.grants", actions.do_end_grants_of_account)
