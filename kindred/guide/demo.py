"""Two saved guides for the demo member, a month apart, so "what changed" has something
to show."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.accounts.demo import DemoContext
from kindred.accounts.models import User
from kindred.guide.actions import do_save_guide
from kindred.guide.models import SavedGuide
from kindred.guide.questions import GuideAnswers

SAFE = {"safety_thoughts": "no", "safety_intent": "no", "safety_danger": "no"}
GUIDES = (
    {
        **SAFE,
        "topics": ["depression-anxiety"],
        "lived_experience": "very",
        "expertise": "somewhat",
        "style": "informal",
        "max_fee": "0",
        "formats": ["group", "text"],
        "screening": {
            "phq2": {"q1": 2, "q2": 2},
            "phq9": {
                "q1": 2,
                "q2": 2,
                "q3": 2,
                "q4": 2,
                "q5": 1,
                "q6": 1,
                "q7": 1,
                "q8": 0,
                "q9": 0,
            },
            "gad2": {"q1": 1, "q2": 1},
        },
        "choice": "peer_group",
    },
    {
        **SAFE,
        "topics": ["depression-anxiety"],
        "lived_experience": "very",
        "expertise": "very",
        "style": "either",
        "max_fee": "40",
        "formats": ["group", "video"],
        "screening": {
            "phq2": {"q1": 1, "q2": 2},
            "phq9": {
                "q1": 1,
                "q2": 2,
                "q3": 1,
                "q4": 1,
                "q5": 1,
                "q6": 0,
                "q7": 1,
                "q8": 0,
                "q9": 0,
            },
            "gad2": {"q1": 1, "q2": 0},
        },
        "choice": "both",
    },
)


def create_demo_guide(users: dict[str, User]) -> int:
    member = users["member"]
    if SavedGuide.objects.filter(owner=member).exists():
        return 0
    now = timezone.now()
    for age_days, data in zip((30, 0), GUIDES, strict=True):
        guide = do_save_guide(member, GuideAnswers.model_validate(data))
        if age_days:
            SavedGuide.objects.filter(pk=guide.pk).update(created_at=now - timedelta(days=age_days))
    return len(GUIDES)


def load(ctx: DemoContext) -> None:
    ctx.say(f"Guide: {create_demo_guide(ctx.users)} demo saved guide(s) created.")
