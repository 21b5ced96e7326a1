"""The access log: one line per request, with no secret, search term, body or cookie in it."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kindred.bookings.feeds import do_create_calendar_feed
from kindred.core.requestlog import HIDDEN, SECRET_NAMES

pytestmark = pytest.mark.django_db

# Letters and digits, so it also reads as a token to the unmatched-path rule, and
# valid for every secret converter in use (str, allauth's [-:\w]+, .+).
SECRET = "Zq8xW2vLk5Tn9Rb3Hc7Jd1"
UIDB36 = "3k9z"


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.INFO, logger="kindred.access")

    def lines():
        return [r for r in caplog.records if r.name == "kindred.access"]

    return lines


def _rendered(record: logging.LogRecord) -> str:
    """Everything a formatter could write for this record."""
    return " ".join([record.getMessage(), *(str(v) for v in record.__dict__.values())])


def _secret_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, list[str]]]:
    """(name, parameter names) of every named route with a secret-like text parameter;
    names carry their namespaces (``rights:export_download``) so they reverse."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_secret_patterns(entry, inner))
            continue
        assert isinstance(entry, URLPattern)
        pattern = entry.pattern
        converters = getattr(pattern, "converters", {})
        names = list(converters) or list(pattern.regex.groupindex)
        secret = [
            n
            for n in names
            if n in SECRET_NAMES and type(converters.get(n)).__name__ != "IntConverter"
        ]
        if secret and entry.name:
            found.append((f"{namespace}{entry.name}", names))
    return found


SECRET_ROUTES = _secret_patterns()


def test_the_secret_bearing_routes_are_all_found():
    names = {name for name, _ in SECRET_ROUTES}
    assert {
        "bookings_calendar_feed",
        "groups_calendar_feed",
        "account_confirm_email",
        "account_reset_password_from_key",
    } <= names


@pytest.mark.parametrize(("name", "params"), SECRET_ROUTES, ids=[n for n, _ in SECRET_ROUTES])
def test_every_secret_in_a_route_is_hidden(client, access_log, name, params):
    kwargs = {p: (UIDB36 if p in {"uidb36", "uidb64"} else SECRET) for p in params}
    path = reverse(name, kwargs=kwargs)
    client.get(path)
    (line,) = access_log()
    assert SECRET not in _rendered(line)
    assert UIDB36 not in _rendered(line)
    assert HIDDEN in line.path


def test_a_live_calendar_feed_address_is_hidden(client, access_log, member):
    token = do_create_calendar_feed(member)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    (line,) = access_log()
    assert line.path == f"/calendar/{HIDDEN}.ics"
    assert token not in _rendered(line)
    assert token.partition("_")[2] not in _rendered(line)


def test_a_key_is_hidden_when_a_middleware_answers_before_the_view(client, access_log):
    # No trailing slash: CommonMiddleware redirects before any view is resolved.
    client.get(f"/accounts/confirm-email/{SECRET}")
    (line,) = access_log()
    assert line.status == 301
    assert line.path == f"/accounts/confirm-email/{HIDDEN}"


def test_a_token_in_a_path_that_matches_no_route_is_hidden(client, access_log):
    client.get(f"/calendar/old/{SECRET}.ics")
    (line,) = access_log()
    assert line.status == 404
    assert SECRET not in _rendered(line)
    assert line.path == f"/calendar/old/{HIDDEN}.ics"


def test_ordinary_words_and_ids_in_a_path_stay(client, access_log):
    client.get("/spaces/grief-loss/threads/12345/")
    (line,) = access_log()
    assert line.path == "/spaces/grief-loss/threads/12345/"


@pytest.mark.parametrize(
    "query",
    ["q=self+harm+at+night&space=grief-loss", "q=self%20harm%20at%20night", "q=self harm at night"],
)
def test_search_terms_never_appear_only_parameter_names(login, member, access_log, query):
    login(member).get(f"/spaces/search/?{query}")
    (line,) = access_log()
    assert "harm" not in _rendered(line)
    assert line.path.startswith(f"/spaces/search/?q={HIDDEN}")


def test_every_query_value_is_replaced(client, access_log):
    client.get("/calendar/?token=abc&next=/my/messages/7/&next=x")
    (line,) = access_log()
    assert line.path == f"/calendar/?token={HIDDEN}&next={HIDDEN}&next={HIDDEN}"


def test_it_logs_method_status_duration_and_client(client, access_log):
    client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    (line,) = access_log()
    assert line.levelno == logging.INFO
    assert line.method == "GET"
    assert line.status == 200
    assert isinstance(line.duration_ms, float)
    assert line.duration_ms >= 0
    assert line.client == "203.0.113.9"
    assert line.getMessage().startswith("GET /healthz 200 ")


def test_the_client_is_the_one_the_rate_limits_see(client, settings, access_log):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.get("/healthz", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.6")
    (line,) = access_log()
    assert line.client == "198.51.100.4"


def test_error_statuses_are_logged_too(access_log):
    client = Client(enforce_csrf_checks=True)
    client.get("/no/such/page/")
    client.post("/accounts/login/", {})
    assert [(line.method, line.status) for line in access_log()] == [("GET", 404), ("POST", 403)]


def test_bodies_cookies_and_authorization_never_appear(client, access_log):
    client.cookies["sessionid"] = "cookie-value-xyz"
    client.post(
        "/accounts/login/",
        {"login": "someone@example.org", "password": "body-password-xyz"},
        HTTP_AUTHORIZATION="Bearer kdr_authorization-xyz",
    )
    (line,) = access_log()
    text = _rendered(line)
    for leaked in ("cookie-value-xyz", "body-password-xyz", "someone@example.org", "kdr_"):
        assert leaked not in text


def test_nothing_is_logged_below_the_configured_level(client, caplog):
    caplog.set_level(logging.WARNING, logger="kindred.access")
    client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "kindred.access"]
