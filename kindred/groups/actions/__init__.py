"""Group operations, shared by pages, the API, tasks and tests.

Split by topic; callers import this package (``from kindred.groups import actions``).

- :mod:`.base`: the error, the text limits, the clock;
- :mod:`.schedule`: starting a group, its sessions, whose calendar they are on;
- :mod:`.membership`: joining, leaving, the waitlist, a pop-up's quorum;
- :mod:`.sessions`: a session's room opened, closed and ended, attendance, ratings, purges;
- :mod:`.room_tools`: the facilitator's tools and what participants do in the live room;
- :mod:`.upkeep`: editing a running group, cancelling a session, archiving a group.
"""

from kindred.groups.actions.base import (
    MAX_DESCRIPTION,
    MAX_NORMS,
    MAX_TOPIC,
    GroupError,
    horizon,
    local_label,
)
from kindred.groups.actions.membership import (
    check_can_sign_up,
    do_join,
    do_leave,
    end_grants_with_facilitators,
    leave_groups_of_other_age_band,
    places_left,
    signup_for,
    waitlist_position,
)
from kindred.groups.actions.room_tools import (
    do_check_in,
    do_mute,
    do_next_hand,
    do_reach_out_privately,
    do_remove,
    do_set_hand,
    do_unmute,
    hand_queue,
    participant_rows,
)
from kindred.groups.actions.schedule import (
    GroupSpec,
    calendar_for,
    check_group_spec,
    do_create_group,
    do_materialise_sessions,
    sessions_for,
    upcoming_for,
    upcoming_sessions,
)
from kindred.groups.actions.sessions import (
    attendance_summary,
    do_close_session_room,
    do_end_session,
    do_open_session_room,
    do_pin_norms,
    do_rate_session,
    do_record_room_visit,
    end_overdue_sessions,
    existing_room,
    opens_before,
    purge_ended_room_messages,
    purge_session_room_messages,
    room_for,
)
from kindred.groups.actions.upkeep import (
    ARCHIVED_REASON,
    MAX_CANCEL_REASON,
    NUMBER_FIELDS,
    TEXT_FIELDS,
    GroupChanges,
    GroupUpdate,
    check_group_changes,
    clean_cancel_reason,
    do_archive_group,
    do_cancel_session,
    do_update_group,
)

__all__ = [
    "ARCHIVED_REASON",
    "MAX_CANCEL_REASON",
    "MAX_DESCRIPTION",
    "MAX_NORMS",
    "MAX_TOPIC",
    "NUMBER_FIELDS",
    "TEXT_FIELDS",
    "GroupChanges",
    "GroupError",
    "GroupSpec",
    "GroupUpdate",
    "attendance_summary",
    "calendar_for",
    "check_can_sign_up",
    "check_group_changes",
    "check_group_spec",
    "clean_cancel_reason",
    "do_archive_group",
    "do_cancel_session",
    "do_check_in",
    "do_close_session_room",
    "do_create_group",
    "do_end_session",
    "do_join",
    "do_leave",
    "do_materialise_sessions",
    "do_mute",
    "do_next_hand",
    "do_open_session_room",
    "do_pin_norms",
    "do_rate_session",
    "do_reach_out_privately",
    "do_record_room_visit",
    "do_remove",
    "do_set_hand",
    "do_unmute",
    "do_update_group",
    "end_grants_with_facilitators",
    "end_overdue_sessions",
    "existing_room",
    "hand_queue",
    "horizon",
    "leave_groups_of_other_age_band",
    "local_label",
    "opens_before",
    "participant_rows",
    "places_left",
    "purge_ended_room_messages",
    "purge_session_room_messages",
    "room_for",
    "sessions_for",
    "signup_for",
    "upcoming_for",
    "upcoming_sessions",
    "waitlist_position",
]
