"""The member's own treatment plans, as their plan pages and the API list them."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kindred.plans import actions, queries
from kindred.plans.content import parse_plan_text
from tests.plans.conftest import PLAN_TEXT, book

pytestmark = pytest.mark.django_db


def test_a_member_lists_only_their_own_plans(member, member2, therapist, plan):
    (row,) = queries.plans_of(member)
    assert (row.id, row.therapist, row.current_version) == (plan.pk, therapist.handle, 1)
    assert queries.plans_of(member2) == []
    assert queries.plans_of(therapist) == []


def test_plans_are_listed_in_one_query(member, plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        queries.plans_of(member)


def test_the_plans_page_links_each_plan_when_there_are_several(login, member, plan, therapist2):
    # Not at the time of the first booking: a member is in one session at a time (PostgreSQL
    # enforces it).
    book(member, therapist2, days=5)
    second = actions.do_create_plan(
        therapist2,
        member,
        content=parse_plan_text(PLAN_TEXT),
        summary="A second plan.",
        review_date=date(2030, 10, 1),
    )
    body = login(member).get(reverse("my_plans")).content.decode()
    for made in (plan, second):
        assert reverse("my_plan", args=[made.pk]) in body
    assert f"Plan with {therapist2.handle}" in body
