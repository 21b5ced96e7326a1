"""Who is on a member's care team, as the registered team sources say."""

from __future__ import annotations

from kindred.accounts.models import User
from kindred.consent import sources


def team_people(member: User) -> dict[int, set[str]]:
    """Person id → their relations to ``member``, from every registered team source."""
    people: dict[int, set[str]] = {}
    for entry in sources.team_for(member):
        people.setdefault(entry.person.pk, set()).add(entry.relation)
    return people
