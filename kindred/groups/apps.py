from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "kindred.groups"
    label = "groups"
    verbose_name = "Peer support groups"

    def ready(self) -> None:
        from kindred.accounts.age import register_band_change_handler
        from kindred.consent.sources import (
            SERVICE_PEER_SUPPORT,
            register_service_source,
            register_team_source,
            register_timeline_source,
        )
        from kindred.core.calendar import register_source
        from kindred.core.script_strings import register_script_strings
        from kindred.groups import actions, calendar, script_strings, sources
        from kindred.groups.room import KIND, SessionRoomKind
        from kindred.guide.nextsteps import register_next_step_source
        from kindred.rooms.kinds import register_kind

        register_kind(KIND, SessionRoomKind())
        register_team_source("groups", sources.team_entries)
        register_timeline_source("groups", sources.timeline_items)
        register_service_source(
            "groups", SERVICE_PEER_SUPPORT, sources.members_who_attended_a_group
        )
        register_next_step_source("group", sources.next_steps)
        register_band_change_handler("groups", actions.leave_groups_of_other_age_band)
        register_source("groups", calendar.events_for)
        register_script_strings("groups", script_strings.STRINGS)
