"""Headers every response carries: no caching of what a signed-in person sees, and a
Permissions-Policy that turns off powerful browser features."""

from __future__ import annotations

import pytest
from django.conf import settings

from kindred.api.actions import do_create_token
from tests.api.conftest import bearer
from tests.care.factories import book

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/therapist/clients/",
        "/therapist/clients/{member}/",
        "/therapist/measures/",
        "/therapist/plans/",
        "/therapist/messages/",
        "/therapist/availability/",
    ],
)
def test_clinical_pages_are_never_stored_by_a_cache(login, therapist, member, path):
    book(member, therapist)
    response = login(therapist).get(path.format(member=member.pk))
    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.parametrize(
    "path",
    [
        "/my/care/",
        "/my/care/timeline/",
        "/measures/",
        "/my/plan/",
        "/my/therapists/",
        "/bookings/",
        "/safety/plan/",
        "/notifications/",
        "/accounts/profile/",
    ],
)
def test_a_members_pages_are_never_stored_by_a_cache(login, member, path):
    response = login(member).get(path)
    assert response.status_code == 200
    assert_not_stored(response)


def test_a_signed_in_persons_error_pages_are_not_stored_either(login, member):
    response = login(member).get("/therapist/clients/999999/")
    assert response.status_code == 404
    assert_not_stored(response)


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/care/shared", "/api/v1/measures/responses", "/api/v1/plans"]
)
def test_api_responses_are_never_stored_with_a_token(client, member, path):
    _, plaintext = do_create_token(member, name="script", scopes=("read",))
    response = client.get(path, **bearer(plaintext))
    assert response.status_code == 200
    assert_not_stored(response)


def test_api_responses_are_never_stored_with_a_session(login, member):
    response = login(member).get("/api/v1/bookings")
    assert response.status_code == 200
    assert_not_stored(response)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/openapi.json", "/api/v1/nowhere"])
def test_api_responses_to_anonymous_callers_are_not_stored(client, path):
    assert_not_stored(client.get(path))


def test_public_pages_for_anonymous_readers_stay_cacheable(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_keep_their_own_caching(login, member):
    response = login(member).get(f"{settings.STATIC_URL}kindred/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    response.close()


def test_the_swagger_assets_stay_cacheable(login, member):
    response = login(member).get("/api/v1/docs/assets/swagger-ui.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=86400"
    response.close()


# --- Permissions-Policy -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/v1/me", "/accounts/login/"])
def test_every_response_turns_off_camera_microphone_and_location(client, path):
    assert client.get(path)["Permissions-Policy"] == (
        "browsing-topics=(), camera=(), geolocation=(), interest-cohort=(), microphone=(), "
        "payment=(), usb=()"
    )


def test_signed_in_pages_carry_the_policy_too(login, member):
    assert "camera=()" in login(member).get("/my/care/")["Permissions-Policy"]
