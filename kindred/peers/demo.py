"""Invented peer profiles for the demo personas, so suggestions have someone to show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kindred.accounts.demo import DemoContext
from kindred.accounts.models import User
from kindred.peers.actions import do_add_training, do_save_profile
from kindred.peers.models import PeerProfile

EVENINGS = ["mon_evening", "tue_evening", "wed_evening", "thu_evening"]

PROFILES: dict[str, dict[str, Any]] = {
    "member": {
        "tags": ["bereavement.parent", "condition.anxiety"],
        "story": (
            "My mum died last spring after a short illness. Since then the evenings are the "
            "hardest: the house is quiet and the worry comes back. I'd like to talk with "
            "someone who has been through losing a parent and knows it doesn't follow a timetable."
        ),
        "seeks": "support",
        "availability": ["mon_evening", "wed_evening", "sun_afternoon"],
    },
    "member2": {
        "tags": ["recovery.alcohol", "recovery.early", "life_event.job_loss"],
        "story": (
            "I stopped drinking four months ago, not long after I lost my job. Some days "
            "are fine and some are really hard. I want to talk with someone who has been "
            "early in recovery too, and I'm happy to listen as well."
        ),
        "seeks": "both",
        "availability": ["tue_evening", "sat_morning"],
    },
    "peer": {
        "tags": ["bereavement.parent", "condition.depression", "life_event.caring"],
        "story": (
            "I cared for my dad through his last two years and lost him in 2021. Grief and "
            "depression got tangled together for a while. Peer support got me through, and "
            "now I'd like to be that person for someone else."
        ),
        "seeks": "give_support",
        "availability": EVENINGS,
        "training": ("Intentional Peer Support core training", "IPS", 400, 330),
    },
    "facilitator": {
        "tags": ["recovery.alcohol", "recovery.long_term", "condition.anxiety"],
        "story": (
            "Eight years sober. Early recovery was the loneliest time of my life, and anxiety "
            "came along for the ride. I run a weekly recovery group and offer one-to-one support "
            "to people in their first year."
        ),
        "seeks": "give_support",
        "availability": ["tue_evening", "thu_evening", "sat_morning"],
        "training": ("Peer recovery coach certificate", "Recovery College", 200, None),
    },
}


def create_demo_peers(users: dict[str, User]) -> int:
    """Profiles (and a training) for the personas that exist; idempotent."""
    made = 0
    today = timezone.localdate()
    for key, spec in PROFILES.items():
        user = users.get(key)
        if user is None or PeerProfile.objects.filter(user=user).exists():
            continue
        data = {
            "tags": spec["tags"],
            "story": spec["story"],
            "seeks": spec["seeks"],
            "availability": spec["availability"],
            "languages": ["en"],
            "timezone": "Europe/London",
            "is_listed": True,
        }
        do_save_profile(user, data)
        made += 1
        if "training" in spec:
            # A two-year certificate taken 400 days ago runs out in 330 days: still current,
            # so the demo supporter is suggested (a lapsed one would not be).
            name, provider, days_ago, expires_in_days = spec["training"]
            do_add_training(
                user,
                name=name,
                provider=provider,
                completed_on=today - timedelta(days=days_ago),
                expires_on=(today + timedelta(days=expires_in_days)) if expires_in_days else None,
            )
    return made


def create_demo_connections(users: dict[str, User]) -> int:
    """The demo member is connected with the demo peer supporter, so the care team,
    sharing and the 1:1 chat have someone in them. Idempotent."""
    from kindred.peers.actions import do_accept, do_request
    from kindred.peers.models import Connection

    member, peer = users.get("member"), users.get("peer")
    if member is None or peer is None:
        return 0
    if Connection.objects.filter(requester=member, recipient=peer).exists():
        return 0
    sent = do_request(
        member, peer.pk, "Your story about the first months sober sounded a lot like mine."
    )
    do_accept(peer, sent.connection)
    return 1


def load(ctx: DemoContext) -> None:
    ctx.say(f"Peers: {create_demo_peers(ctx.users)} demo profile(s) created.")
    ctx.say(f"Peers: {create_demo_connections(ctx.users)} demo connection(s) made.")
