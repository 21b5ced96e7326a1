from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "kindred.peers"
    label = "peers"
    verbose_name = "One-to-one peer support"

    def ready(self) -> None:
        from kindred.accounts.age import register_band_change_handler
        from kindred.consent.sources import (
            SERVICE_PEER_SUPPORT,
            register_service_source,
            register_team_source,
            register_timeline_source,
        )
        from kindred.guide.nextsteps import register_next_step_source
        from kindred.peers import actions, chat, relationships, reporting

        chat.register()
        reporting.register_reportables()
        register_team_source("peers", relationships.team)
        register_timeline_source("peers", relationships.timeline)
        register_service_source(
            "peers", SERVICE_PEER_SUPPORT, relationships.members_in_peer_support
        )
        register_next_step_source("peer", relationships.next_steps)
        register_band_change_handler("peers", actions.end_connections_across_age_bands)
