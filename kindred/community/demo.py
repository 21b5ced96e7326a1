"""Invented demo conversations so a fresh installation does not look empty."""

from __future__ import annotations

from kindred.accounts.demo import DemoContext
from kindred.accounts.models import User
from kindred.community.actions import (
    do_accept_guidelines,
    do_create_thread,
    do_reply,
    do_toggle_reaction,
)
from kindred.community.models import Space, Thread

THREADS = [
    (
        "depression-anxiety",
        "peer",
        "Small wins this week",
        "I managed to get outside for ten minutes every day this week. It sounds tiny, but a month ago I "
        "couldn't. What small things are you proud of?",
        "",
        [
            (
                "member",
                "I did the washing up and answered one email I'd been avoiding. That counts, right?",
            ),
            (
                "member2",
                "It absolutely counts. Ten minutes outside is huge — thank you for sharing it.",
            ),
        ],
    ),
    (
        "addiction-recovery",
        "facilitator",
        "Day 90 — what helped in the first month",
        "Ninety days today. The first month I leaned on routines: same breakfast, same walk, a call with my "
        "sponsor every evening. Happy to answer questions from anyone just starting.",
        "",
        [("member2", "Congratulations. I'm on day 6 and the evenings are the hardest part.")],
    ),
    (
        "grief-loss",
        "member2",
        "The first birthday without her",
        "My mum's birthday is on Sunday, the first since she died. I don't know whether to do something or "
        "just get through the day.",
        "bereavement",
        [
            (
                "peer",
                "For my dad's first one, I cooked his favourite meal and wrote him a letter. Be gentle with yourself.",
            )
        ],
    ),
]


def create_demo_community(personas: dict[str, User]) -> int:
    created = 0
    for slug, author_key, title, body, cw, replies in THREADS:
        space = Space.objects.get(slug=slug)
        if Thread.objects.filter(space=space, title=title).exists():
            continue
        author = personas[author_key]
        do_accept_guidelines(author, space)
        written = do_create_thread(author, space, title=title, body=body, content_warning=cw)
        for key, text in replies:
            do_accept_guidelines(personas[key], space)
            do_reply(personas[key], written.post.thread, body=text)
            do_toggle_reaction(personas[key], written.post, "strength")
        created += 1
    return created


def load(ctx: DemoContext) -> None:
    ctx.say(f"Community: {create_demo_community(ctx.users)} demo thread(s) created.")
