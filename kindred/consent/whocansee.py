"""A member's "Who can see what": per person, what they see and why.

Read once here, rendered by the page (``/my/care/who-can-see/``): the rows come from the
default-access declarations (:mod:`kindred.consent.visibility`), the member's care team
(:mod:`kindred.consent.sources`) and their live consent grants, so the page says exactly
what the access checks do. A constant number of queries: one per team source, one for
the grants and one for the switched-off defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.accounts.models import User
from kindred.consent import grants, visibility
from kindred.consent.sources import team_for

RELATION_LABELS: dict[str, Promise] = {
    "therapist": gettext_lazy("Therapist"),
    "peer_supporter": gettext_lazy("Peer supporter"),
    "facilitator": gettext_lazy("Group facilitator"),
    "moderator": gettext_lazy("Moderator"),
}
# Who a role-wide default (:data:`visibility.ROLE_WIDE`) is, as the page names them.
ROLE_WIDE_NAMES: dict[str, Promise] = {"moderator": gettext_lazy("Kindred's moderators")}


def relation_label(relation: str) -> str:
    return str(RELATION_LABELS.get(relation, relation))


@dataclass(frozen=True)
class Seen:
    """One thing someone sees of the member, and why."""

    what: str
    why: str
    # "default" (a declaration) or "grant" (the member shared it).
    source: str
    on: bool = True
    # What the member can do about it: switch a default off or on (``default_key``),
    # stop sharing (``grant_id``), or follow ``change_url`` (leave the group, end the
    # connection), with ``change_note`` saying what that does.
    default_key: str = ""
    can_switch: bool = False
    grant_id: int | None = None
    expires_at: datetime | None = None
    change_url: str = ""
    change_note: str = ""


@dataclass
class Viewer:
    """A person (or, for moderators, the role as a whole) who sees something."""

    name: str
    roles: list[str]
    person: User | None = None
    seen: list[Seen] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def who_can_see(member: User) -> list[Viewer]:
    """Everyone who can see something of ``member`` now, named, with what and why."""
    off = visibility.switched_off(member)
    people: dict[int, Viewer] = {}
    for entry in team_for(member):
        viewer = people.setdefault(
            entry.person.pk, Viewer(name=entry.person.handle, roles=[], person=entry.person)
        )
        label = relation_label(entry.relation)
        if label not in viewer.roles:
            viewer.roles.append(label)
        reason = f"{label}: {entry.detail}" if entry.detail else label
        viewer.reasons.append(reason)
        for row in visibility.team_defaults([entry.relation], off):
            default = row.default
            if any(s.default_key == default.key for s in viewer.seen):
                continue
            viewer.seen.append(
                Seen(
                    what=visibility.sentence(default, person=entry.person.handle),
                    why=str(default.why),
                    source="default",
                    on=row.on,
                    default_key=default.key,
                    can_switch=default.can_switch_off,
                    change_url="" if default.can_switch_off else (entry.url or ""),
                    change_note=str(default.ends_when),
                )
            )
    live = (
        grants.active_grants()
        .filter(member=member, grantee__is_active=True)
        .select_related("grantee")
        .order_by("grantee__handle", "scope")
    )
    for grant in live:
        viewer = people.setdefault(
            grant.grantee_id,
            Viewer(
                name=grant.grantee.handle,
                roles=[_("No longer on your care team")],
                person=grant.grantee,
            ),
        )
        viewer.seen.append(
            Seen(
                what=_("%(handle)s sees what you chose to share: “%(what)s”.")
                % {"handle": grant.grantee.handle, "what": grants.SCOPE_LABELS[grant.scope]},
                why=_("You shared it with them."),
                source="grant",
                grant_id=grant.pk,
                expires_at=grant.expires_at,
            )
        )
    rows = sorted(people.values(), key=lambda v: v.name.lower())
    for relation in visibility.ROLE_WIDE:
        role_wide = Viewer(
            name=str(ROLE_WIDE_NAMES.get(relation, relation)),
            roles=[relation_label(relation)],
            reasons=[_("Everyone with this role, not one person.")],
        )
        for row in visibility.team_defaults([relation], off):
            role_wide.seen.append(
                Seen(
                    what=visibility.sentence(row.default),
                    why=str(row.default.why),
                    source="default",
                    on=row.on,
                    default_key=row.default.key,
                    can_switch=row.default.can_switch_off,
                    change_note=str(row.default.ends_when),
                )
            )
        rows.append(role_wide)
    return rows
