"""The whole API is limited: per account (tokens and session together), per address for visitors."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from kindred.core import ratelimit
from tests.api.conftest import bearer

ME = "/api/v1/me"
SPACES = "/api/v1/spaces"


def assert_limited(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["detail"].startswith("You are doing this too often. Please wait ")
    assert 1 <= body["retry_after"] <= 60
    assert response["Retry-After"] == str(body["retry_after"])


def test_a_token_past_the_limit_gets_429_with_retry_after(client, member, make_token, rate_limits):
    rate_limits({"api": "3/m/user"})
    _, plaintext = make_token(member)
    for _ in range(3):
        assert client.get(ME, **bearer(plaintext)).status_code == 200
    assert_limited(client.get(ME, **bearer(plaintext)))


def test_another_account_is_not_affected(client, member, member2, make_token, rate_limits):
    rate_limits({"api": "1/m/user"})
    _, maya = make_token(member)
    _, sam = make_token(member2)
    client.get(ME, **bearer(maya))
    assert client.get(ME, **bearer(maya)).status_code == 429
    assert client.get(ME, **bearer(sam)).status_code == 200


def test_one_persons_tokens_and_session_share_one_budget(client, member, make_token, rate_limits):
    rate_limits({"api": "2/m/user"})
    _, first = make_token(member, name="one")
    _, second = make_token(member, name="two")
    assert client.get(ME, **bearer(first)).status_code == 200
    assert client.get(ME, **bearer(second)).status_code == 200
    client.force_login(member)
    assert client.get(ME).status_code == 429


def test_visitors_are_limited_per_address(client, db, rate_limits):
    rate_limits({"api.anonymous": "2/m/ip"})
    for _ in range(2):
        assert client.get(SPACES, REMOTE_ADDR="198.51.100.1").status_code == 200
    assert_limited(client.get(SPACES, REMOTE_ADDR="198.51.100.1"))
    assert client.get(SPACES, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_a_trusted_proxys_forwarded_address_is_each_visitors_own(client, db, rate_limits, settings):
    rate_limits({"api.anonymous": "1/m/ip"})
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.get(SPACES, HTTP_X_FORWARDED_FOR="203.0.113.1", **via_proxy).status_code == 200
    assert client.get(SPACES, HTTP_X_FORWARDED_FOR="203.0.113.2", **via_proxy).status_code == 200
    assert client.get(SPACES, HTTP_X_FORWARDED_FOR="203.0.113.1", **via_proxy).status_code == 429


def test_an_untrusted_forwarded_header_buys_no_new_budget(client, db, rate_limits, settings):
    rate_limits({"api.anonymous": "1/m/ip"})
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    direct = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get(SPACES, HTTP_X_FORWARDED_FOR="203.0.113.1", **direct).status_code == 200
    assert client.get(SPACES, HTTP_X_FORWARDED_FOR="203.0.113.2", **direct).status_code == 429


def test_crisis_resources_are_never_limited(client, db, rate_limits):
    rate_limits({"api.anonymous": "1/m/ip"})
    for _ in range(3):
        assert client.get("/api/v1/crisis-resources").status_code == 200


def test_a_cache_outage_lets_calls_through(client, member, make_token, rate_limits, monkeypatch):
    rate_limits({"api": "1/m/user"})
    _, plaintext = make_token(member)

    class DownCache:
        def add(self, *args, **kwargs):
            raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(ratelimit, "shared_cache", DownCache)
    for _ in range(3):
        assert client.get(ME, **bearer(plaintext)).status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "member"], indirect=True)
def test_the_limit_applies_to_every_caller(client, db, persona, rate_limits):
    rate_limits({"api": "1/m/user", "api.anonymous": "1/m/ip"})
    if persona is not None:
        client.force_login(persona)
    assert client.get(SPACES).status_code == 200
    assert client.get(SPACES).status_code == 429
