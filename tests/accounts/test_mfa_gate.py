"""The second factor is a property of the account: every route, the API (session and
token) and sockets refuse an account whose role needs one until it is set up, and the
factor cannot be switched off while the role is held."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from kindred.accounts.access import check_mfa
from kindred.accounts.middleware import MFA_EXEMPT_VIEWS, role_for_path
from kindred.accounts.sockets import MFA_REQUIRED_CLOSE_CODE
from kindred.core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

ACTIVATE = "/accounts/2fa/totp/activate/"
DEACTIVATE = "/accounts/2fa/totp/deactivate/"
BOOKINGS_API = "/api/v1/bookings"

# --- Every route from the URL resolver ---------------------------------------------

_CONVERTER = re.compile(r"<(?:\w+:)?\w+>")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_REGEX_SAMPLES = ("1", "x", "auth")


def _regex_sample(regex: str) -> str:
    """A string for a regex route: each named group becomes a sample it accepts."""
    regex = regex.removeprefix("^").removesuffix("$")
    out, i = [], 0
    for match in _NAMED_GROUP.finditer(regex):
        if match.start() < i:
            continue
        out.append(regex[i : match.start()])
        depth, j = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            j += 1
        body = regex[match.end() : j - 1]
        out.append(next(s for s in _REGEX_SAMPLES if re.fullmatch(body, s)))
        i = j
    out.append(regex[i:])
    return "".join(out)


def _walk(patterns: list[Any], chain: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, (*chain, pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield (*chain, pattern.pattern)


def every_route() -> list[str]:
    """One path per route in the resolver, path converters filled with dummy values."""
    paths = set()
    for chain in _walk(get_resolver().url_patterns):
        parts = []
        for pattern in chain:
            if isinstance(pattern, RoutePattern):
                parts.append(_CONVERTER.sub("1", str(pattern)))
            else:
                assert isinstance(pattern, RegexPattern)
                parts.append(_regex_sample(str(pattern)))
        paths.add("/" + "".join(parts))
    return sorted(paths)


ROUTES = every_route()


def test_the_walk_covers_every_route_and_each_path_resolves():
    assert len(ROUTES) > 250
    for path in ROUTES:
        resolve(path)  # Resolver404 would mean a dummy value did not fit
    views = {resolve(p).view_name for p in ROUTES}
    # Each allow-listed name is a real route (a typo would silently gate nothing).
    assert views >= MFA_EXEMPT_VIEWS
    assert {"care_shared_member", "api-v1:list_bookings", "admin:index"} <= views


def _is_mfa_refusal(response: Any) -> bool:
    if response.status_code == 302:
        return response["Location"] == reverse("mfa_activate_totp")
    if response.status_code == 403 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response.json().get("code") == "mfa_required"
    return False


def _get_as(user: Any, path: str, client: Client) -> Any:
    # A route may sign the account out (or a dummy id may end the session); sign in again.
    if "_auth_user_id" not in client.session:
        client.force_login(user)
    return client.get(path)


@pytest.fixture
def therapist_without_mfa(db):
    return UserFactory(handle="dr_nomfa", roles=[Role.THERAPIST])


def test_a_therapist_without_mfa_is_refused_on_every_route_but_the_allow_list(
    therapist_without_mfa,
):
    client = Client(raise_request_exception=False)
    wrong = []
    for path in ROUTES:
        response = _get_as(therapist_without_mfa, path, client)
        match = resolve(path)
        area = role_for_path(path)
        if match.view_name in MFA_EXEMPT_VIEWS:
            ok = not _is_mfa_refusal(response)
        elif area is not None and area != Role.THERAPIST:
            # Another role's area: the role gate's 404 comes first, as before.
            ok = response.status_code == 404
        elif "ninja" in match.app_names:
            ok = _is_mfa_refusal(response) and response.status_code == 403
        else:
            ok = _is_mfa_refusal(response) and response.status_code == 302
        if not ok:
            wrong.append((path, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("who", ["therapist", "member"])
def test_an_account_with_its_factor_or_without_a_role_is_never_refused_for_it(request, who):
    user = request.getfixturevalue(who)
    client = Client(raise_request_exception=False)
    refused = [p for p in ROUTES if _is_mfa_refusal(_get_as(user, p, client))]
    assert refused == []


# --- Pages ---------------------------------------------------------------------------


def test_the_refusal_says_why_in_a_message(client, therapist_without_mfa):
    client.force_login(therapist_without_mfa)
    response = client.get(reverse("notifications"), follow=True)
    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "needs two-factor authentication" in response.content.decode()


@pytest.mark.parametrize("name", ["get_help", "healthz", "account_logout", "mfa_index"])
def test_setting_up_signing_out_and_getting_help_stay_open(client, therapist_without_mfa, name):
    client.force_login(therapist_without_mfa)
    assert client.get(reverse(name)).status_code == 200


def test_pages_of_an_account_waiting_for_its_factor_leave_the_event_socket_off(
    client, therapist_without_mfa, therapist
):
    client.force_login(therapist_without_mfa)
    assert 'data-events="on"' not in client.get(reverse("get_help")).content.decode()
    client.force_login(therapist)
    assert 'data-events="on"' in client.get(reverse("get_help")).content.decode()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MODERATOR, Role.STAFF])
def test_every_role_needing_mfa_is_gated_outside_its_area(client, db, role):
    client.force_login(UserFactory(roles=[Role.MEMBER, role]))
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response["Location"] == ACTIVATE


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PEER_SUPPORTER, Role.FACILITATOR])
def test_roles_without_the_requirement_are_not_gated(client, db, role):
    user = UserFactory(roles=[role])
    check_mfa(user)
    client.force_login(user)
    assert client.get(reverse("profile")).status_code == 200
    assert client.get(BOOKINGS_API).status_code == 200


def test_a_member_granted_the_therapist_role_is_gated_from_the_next_request(client, member):
    from kindred.accounts.actions import do_grant_role

    client.force_login(member)
    assert client.get(reverse("profile")).status_code == 200
    do_grant_role(None, member, Role.THERAPIST)
    assert client.get(reverse("profile"))["Location"] == ACTIVATE
    assert client.get(BOOKINGS_API).status_code == 403


# --- Shared care data (the review's reproduction) -------------------------------------


def test_a_therapist_without_mfa_no_longer_reads_what_a_client_shared(client, member, therapist):
    from kindred.consent import actions as consent_actions
    from kindred.consent import grants
    from tests.care.factories import book

    book(member, therapist)
    for scope in grants.SCOPES:
        consent_actions.do_grant(member, therapist.pk, scope)
    page = f"/my/care/shared/{member.pk}/"
    api = f"/api/v1/care/shared/{member.pk}"
    client.force_login(therapist)
    assert client.get(page).status_code == 200
    assert client.get(api).status_code == 200

    Authenticator.objects.filter(user=therapist).delete()
    response = client.get(page)
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    response = client.get(api)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert "two-factor authentication" in response.json()["detail"]


# --- API: session and token ------------------------------------------------------------


def test_the_api_refuses_a_session_without_the_factor(client, therapist_without_mfa):
    client.force_login(therapist_without_mfa)
    for response in (
        client.get(BOOKINGS_API),
        client.post(BOOKINGS_API, {}, content_type="application/json"),
        client.get("/api/v1/me"),
    ):
        assert response.status_code == 403
        assert response.json() == {
            "detail": "The therapist role requires two-factor authentication. "
            "Set it up on the website first.",
            "code": "mfa_required",
        }


def test_the_api_refuses_a_token_without_the_factor(client, therapist):
    from kindred.api.actions import do_create_token

    _, plaintext = do_create_token(therapist, name="script", scopes=["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert client.get(BOOKINGS_API, **auth).status_code == 200
    Authenticator.objects.filter(user=therapist).delete()
    response = client.get(BOOKINGS_API, **auth)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_token_made_as_a_member_stops_when_the_account_gains_a_gated_role(client, member):
    from kindred.accounts.actions import do_grant_role
    from kindred.api.actions import do_create_token

    _, plaintext = do_create_token(member, name="script", scopes=["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert client.get(BOOKINGS_API, **auth).status_code == 200
    do_grant_role(None, member, Role.MODERATOR)
    assert client.get(BOOKINGS_API, **auth).json()["code"] == "mfa_required"


# --- Switching the factor off ---------------------------------------------------------


def _reauthenticated(client: Client, user: Any) -> Client:
    """Signed in, with the password just entered again (allauth asks before changes)."""
    client.force_login(user)
    response = client.get(DEACTIVATE)
    assert response.status_code == 302
    reauth = response["Location"]
    assert reauth.startswith(reverse("account_reauthenticate"))
    assert client.post(reauth, {"password": TEST_PASSWORD}).status_code == 302
    return client


def test_a_therapist_cannot_switch_the_factor_off_and_keeps_working(client, therapist):
    """The review's reproduction: deactivate TOTP, then call the API."""
    client = _reauthenticated(client, therapist)
    page = client.get(DEACTIVATE)
    assert page.status_code == 200
    assert "stays on while you hold it" in page.content.decode()
    response = client.post(DEACTIVATE)
    assert response.status_code == 200  # the form again, with the error
    assert "stays on while you hold it" in response.content.decode()
    assert Authenticator.objects.filter(user=therapist, type=Authenticator.Type.TOTP).exists()
    assert client.get(BOOKINGS_API).status_code == 200


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.STAFF])
def test_other_gated_roles_cannot_switch_it_off_either(client, db, role):
    user = UserFactory(roles=[role], mfa=True)
    client = _reauthenticated(client, user)
    client.post(DEACTIVATE)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_a_member_may_switch_their_own_factor_off(client, db):
    member = UserFactory(roles=[Role.MEMBER], mfa=True)
    client = _reauthenticated(client, member)
    response = client.post(DEACTIVATE)
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member).exists()


def test_the_adapter_refuses_only_the_totp_of_a_gated_account(therapist, db):
    from allauth.mfa.adapter import get_adapter

    adapter = get_adapter()
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)
    assert not adapter.can_delete_authenticator(totp)
    member_totp = Authenticator.objects.get(
        user=UserFactory(roles=[Role.MEMBER], mfa=True), type=Authenticator.Type.TOTP
    )
    assert adapter.can_delete_authenticator(member_totp)


# --- Sockets ----------------------------------------------------------------------------


@pytest.fixture
def memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield channel_layers["default"]
    channel_layers.backends.clear()


async def _connect(user: Any, path: str = "/ws/events/") -> tuple[WebsocketCommunicator, bool, Any]:
    from kindred.routing import websocket_application

    communicator = WebsocketCommunicator(websocket_application, path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_moderator_without_mfa_gets_no_socket_and_no_flag_raised(memory_layer):
    from kindred.core.events import role_group, send_event_on_commit

    without = await sync_to_async(UserFactory)(roles=[Role.MODERATOR])
    with_mfa = await sync_to_async(UserFactory)(roles=[Role.MODERATOR], mfa=True)
    member = await sync_to_async(UserFactory)(roles=[Role.MEMBER])

    _refused, connected, code = await _connect(without)
    assert not connected and code == MFA_REQUIRED_CLOSE_CODE
    mod_ws, ok, _ = await _connect(with_mfa)
    member_ws, member_ok, _ = await _connect(member)
    assert ok and member_ok

    # Only the moderator with a second factor is in the moderators' group.
    assert len(memory_layer.groups[role_group(Role.MODERATOR)]) == 1
    await sync_to_async(send_event_on_commit)(
        role_group(Role.MODERATOR), {"type": "flag.raised", "id": 7}
    )
    assert await mod_ws.receive_json_from(timeout=3) == {"type": "flag.raised", "id": 7}
    await mod_ws.disconnect()
    await member_ws.disconnect()
