"""Referral titles and links written before 0002 are encrypted in place, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kindred.care.models import Referral
from tests.factories import UserFactory

BEFORE = [("care", "0001_initial")]
AFTER = [("care", "0002_referral_title_and_url_encrypted")]


def _raw_title_and_url(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, url FROM care_referral WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    # A test here migrates part of the schema back; later tests need all of it.
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_referrals_are_encrypted_and_read_back_the_same():
    member = UserFactory(handle="old_member")
    therapist = UserFactory(handle="old_therapist", roles=["therapist"])
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldReferral = old.get_model("care", "Referral")
    referral = OldReferral.objects.create(
        member_id=member.pk,
        author_id=therapist.pk,
        kind="group",
        url="/groups/eating-disorder-recovery/",
        title="Eating-disorder recovery group",
    )
    assert _raw_title_and_url(referral.pk)[0] == "Eating-disorder recovery group"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    raw_title, raw_url = _raw_title_and_url(referral.pk)
    assert "Eating" not in raw_title and "eating" not in raw_url
    current = Referral.objects.get(pk=referral.pk)
    assert current.title == "Eating-disorder recovery group"
    assert current.url == "/groups/eating-disorder-recovery/"
    assert current.link == "/groups/eating-disorder-recovery/"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    assert _raw_title_and_url(referral.pk) == (
        "Eating-disorder recovery group",
        "/groups/eating-disorder-recovery/",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
