"""The retention rules: one declaration, its table in docs/retention.md, batched deletes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from kindred.core.models import Notification
from kindred.core.retention import (
    RETENTION_RULES,
    Action,
    RetentionRule,
    delete_in_batches,
    purge_old_notifications,
    render_table,
)

ROOT = Path(__file__).resolve().parents[2]
START = "<!-- retention-table:start -->\n"
END = "<!-- retention-table:end -->"


def test_the_documented_table_is_the_declared_one():
    doc = (ROOT / "docs" / "retention.md").read_text()
    table = doc.split(START, 1)[1].split(END, 1)[0]
    assert table == render_table(), "Run `kindred retention_table` and paste it into the doc."


def test_the_command_prints_the_table(capsys):
    call_command("retention_table")
    assert capsys.readouterr().out == render_table()


def test_the_table_covers_what_the_issue_names():
    for key in (
        "rooms.messages",
        "groups.room_messages",
        "safety.flags",
        "measures.drafts",
        "messaging.drafts",
        "core.notifications",
        "core.request_log",
        "audit.who_looked",
        "api.tokens",
        "rights.exports",
        "audit.events",
    ):
        assert key in RETENTION_RULES


def test_every_period_setting_is_in_the_readme_settings_table():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    settings_used = {rule.setting for rule in RETENTION_RULES.values() if rule.setting}
    assert settings_used, "no rule has a setting"
    assert settings_used <= documented


def test_a_rule_that_purges_needs_a_setting():
    with pytest.raises(ValueError, match="needs a setting"):
        RetentionRule(data="x", action=Action.DELETE, why="y", purge=lambda c, b: 0)


def test_a_rule_neither_kept_nor_purged_says_what_enforces_it():
    with pytest.raises(ValueError, match="enforced_by"):
        RetentionRule(data="x", action=Action.DELETE, why="y")


def test_the_period_comes_from_settings_then_the_environment_then_the_default(
    settings, monkeypatch
):
    rule = RetentionRule(
        data="x",
        action=Action.DELETE,
        why="y",
        setting="RETENTION_TEST_DAYS",
        default_days=5,
        purge=lambda c, b: 0,
    )
    assert rule.days() == 5
    monkeypatch.setenv("RETENTION_TEST_DAYS", "9")
    assert rule.days() == 9
    settings.RETENTION_TEST_DAYS = 3
    assert rule.days() == 3
    settings.RETENTION_TEST_DAYS = 0
    with pytest.raises(ImproperlyConfigured, match="1 or more"):
        rule.days()


def _notify(member, days_ago: int) -> Notification:
    note = Notification.objects.create(recipient=member, kind="test", title="Hello")
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return note


def test_it_deletes_in_batches_of_the_size_given(member, django_assert_num_queries):
    for _ in range(5):
        _notify(member, 100)
    keep = _notify(member, 1)
    old = Notification.objects.filter(created_at__lte=timezone.now() - timedelta(days=90))
    # Three batches of two, each a select of keys and a delete, then one empty select.
    with django_assert_num_queries(3 * 2 + 1):
        assert delete_in_batches(old, batch_size=2) == 5
    assert list(Notification.objects.all()) == [keep]


def test_old_notifications_go_and_recent_ones_stay(member, member2):
    old = _notify(member, 91)
    read_old = _notify(member2, 200)
    Notification.objects.filter(pk=read_old.pk).update(read_at=timezone.now())
    recent = _notify(member, 89)
    cutoff = timezone.now() - timedelta(days=90)
    assert purge_old_notifications(cutoff, 500) == 2
    assert not Notification.objects.filter(pk__in=[old.pk, read_old.pk]).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()
    assert purge_old_notifications(cutoff, 500) == 0
