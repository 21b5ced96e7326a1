"""Tokens made when "no expiry" was allowed get an end."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory

BEFORE = [("api", "0001_initial")]
AFTER = [("api", "0002_tokens_always_expire")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    # A test here migrates part of the schema back; later tests need all of it.
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_tokens_without_an_expiry_end_the_max_age_after_they_were_made():
    member = UserFactory(handle="old_member")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    ApiToken = executor.loader.project_state(BEFORE).apps.get_model("api", "ApiToken")
    now = timezone.now()
    recent = ApiToken.objects.create(
        user_id=member.pk,
        name="recent",
        public_id="a" * 16,
        secret_hash="0" * 64,
        created_at=now - timedelta(days=10),
        expires_at=None,
    )
    old = ApiToken.objects.create(
        user_id=member.pk,
        name="old",
        public_id="b" * 16,
        secret_hash="0" * 64,
        created_at=now - timedelta(days=400),
        expires_at=None,
    )
    chosen = ApiToken.objects.create(
        user_id=member.pk,
        name="chosen",
        public_id="c" * 16,
        secret_hash="0" * 64,
        created_at=now,
        expires_at=now + timedelta(days=5),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    ApiToken = executor.loader.project_state(AFTER).apps.get_model("api", "ApiToken")
    ends = dict(ApiToken.objects.values_list("name", "expires_at"))
    assert ends == {
        "recent": recent.created_at + timedelta(days=90),
        "old": old.created_at + timedelta(days=90),
        "chosen": chosen.expires_at,
    }
    assert ends["old"] < timezone.now() < ends["recent"]
