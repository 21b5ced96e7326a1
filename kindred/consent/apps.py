from django.apps import AppConfig


class ConsentConfig(AppConfig):
    """Consent grants, default access, the care-team registry and the "who looked" log.

    Below the features that use it (care, measures, safety, peers, groups, bookings):
    it imports none of them; they register into :mod:`kindred.consent.sources` and
    :mod:`kindred.consent.accesslog`.
    """

    name = "kindred.consent"
    label = "consent"

    def ready(self) -> None:
        from kindred.accounts.lifecycle import register_account_closed_handler
        from kindred.consent import actions

        register_account_closed_handler("care.grants", actions.do_end_grants_of_account)
