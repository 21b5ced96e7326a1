"""Ended API tokens are deleted a while after they ended; live ones stay."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.api.models import ApiToken
from kindred.api.retention import purge_ended_tokens


def _token(user, name: str, **fields) -> ApiToken:
    return ApiToken.objects.create(
        user=user, name=name, public_id=name, secret_hash="0" * 64, **fields
    )


def test_tokens_ended_before_the_cutoff_go(member):
    now = timezone.now()
    expired = _token(member, "expired", expires_at=now - timedelta(days=40))
    revoked = _token(
        member, "revoked", expires_at=now + timedelta(days=40), revoked_at=now - timedelta(days=31)
    )
    just_expired = _token(member, "justexp", expires_at=now - timedelta(days=2))
    live = _token(member, "live", expires_at=now + timedelta(days=40))
    assert purge_ended_tokens(now - timedelta(days=30), 500) == 2
    assert set(ApiToken.objects.values_list("pk", flat=True)) == {just_expired.pk, live.pk}
    assert not ApiToken.objects.filter(pk__in=[expired.pk, revoked.pk]).exists()
    assert purge_ended_tokens(now - timedelta(days=30), 500) == 0
