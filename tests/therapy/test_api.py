"""The therapy endpoints under /api/v1/: the directory, free times, bookings and the
member's own treatment plans. Everything is set up through the real actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kindred.bookings import actions as booking_actions
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.roles import Role
from kindred.measures.actions import do_submit_response
from kindred.plans import actions as plan_actions
from kindred.plans.content import parse_plan_text
from kindred.plans.models import PlanAcknowledgement
from kindred.therapy import actions as therapy_actions
from kindred.therapy import directory
from tests.api.conftest import bearer
from tests.factories import UserFactory
from tests.plans.conftest import PLAN_TEXT
from tests.therapy.conftest import profile_data

pytestmark = pytest.mark.django_db

API = "/api/v1"
PHQ9 = {"q1": 0, "q2": 1, "q3": 2, "q4": 3, "q5": 0, "q6": 1, "q7": 2, "q8": 3, "q9": 0}


def post_json(client, url, body=None, **extra):
    return client.post(url, body or {}, content_type="application/json", **extra)


def make_profile(user, staff, *, verify=True, **overrides):
    profile = therapy_actions.do_save_profile(user, profile_data(**overrides)).profile
    if verify:
        therapy_actions.do_submit_for_verification(user)
        therapy_actions.do_verify(staff, profile, evidence_notes="Checked on the register.")
    profile.refresh_from_db()
    return profile


def open_every_day(therapist):
    """09:00-17:00 UTC every day: 50-minute sessions on each hour."""
    for weekday in range(7):
        booking_actions.do_add_weekly_availability(
            therapist, weekday=weekday, start_time=time(9), end_time=time(17)
        )


def at(days: int, hour: int) -> datetime:
    day = timezone.now().astimezone(UTC).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def queries_for(client, url, token, *, expect: int) -> int:
    """How many queries one list call takes, checking it lists ``expect`` rows."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **bearer(token))
    assert response.status_code == 200
    assert len(response.json()) == expect
    return len(context)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def listed(therapist, staff):
    """dr_ellis: listed, CBT in English by video, £80, free every day 09:00-17:00 UTC."""
    profile = make_profile(therapist, staff)
    open_every_day(therapist)
    return profile


@pytest.fixture
def listed2(therapist2, staff):
    """dr_chen: listed, DBT in English and Spanish, in person in Leeds, £60."""
    profile = make_profile(
        therapist2,
        staff,
        modality=["dbt"],
        language=["en", "es"],
        format=["in_person"],
        in_person_location="Leeds",
        fee=60,
    )
    open_every_day(therapist2)
    return profile


SLOT = (3, 10)
SLOT2 = (3, 11)


@pytest.fixture
def booking(listed, member, therapist):
    return booking_actions.do_book(member, therapist, at(*SLOT))


@pytest.fixture
def plan(booking, member, therapist):
    return plan_actions.do_create_plan(
        therapist,
        member,
        content=parse_plan_text(PLAN_TEXT),
        summary="We will work on getting out more and feeling brighter.",
        review_date=date(2030, 10, 1),
    )


# --- Anonymous callers ----------------------------------------------------------


def test_visitors_read_the_directory_a_profile_and_free_times(client, listed):
    body = client.get(f"{API}/therapists").json()
    assert [t["id"] for t in body["therapists"]] == [listed.pk]
    profile = client.get(f"{API}/therapists/{listed.pk}")
    assert profile.status_code == 200
    assert profile.json()["listed"] is True and "licence_number" not in profile.json()
    slots = client.get(f"{API}/therapists/{listed.pk}/slots").json()
    assert slots["timezone"] is None and slots["slots"]
    assert slots["slots"][0]["local_starts_at"] is None
    # The profile lists the first free times, as its page does; the slots endpoint has all.
    free = profile.json()["free_times"]
    assert 0 < len(free) <= 6
    assert free == [s["starts_at"] for s in slots["slots"]][: len(free)]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/bookings"),
        ("post", "/bookings"),
        ("post", "/bookings/{booking}/cancel"),
        ("post", "/bookings/{booking}/reschedule"),
        ("get", "/plans"),
        ("get", "/plans/{plan}"),
        ("post", "/plans/{plan}/acknowledge"),
    ],
)
def test_visitors_get_401_for_everything_else(client, plan, booking, method, path):
    url = API + path.format(booking=booking.pk, plan=plan.pk)
    response = client.get(url) if method == "get" else post_json(client, url, {})
    assert response.status_code == 401
    assert response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_wrong_bearer_token_is_401_even_on_the_directory(client, listed):
    response = client.get(f"{API}/therapists", HTTP_AUTHORIZATION="Bearer kdr_nope_nope")
    assert response.status_code == 401


# --- The directory --------------------------------------------------------------


def test_only_listed_therapists_appear(client, listed, staff):
    draft = make_profile(UserFactory(roles=[Role.THERAPIST], mfa=True), staff, verify=False)
    ids = [t["id"] for t in client.get(f"{API}/therapists").json()["therapists"]]
    assert ids == [listed.pk]
    assert client.get(f"{API}/therapists/{draft.pk}").status_code == 404
    assert client.get(f"{API}/therapists/{draft.pk}/slots").status_code == 404
    assert client.get(f"{API}/therapists/999999").json() == {"detail": "No such therapist."}


def test_a_therapist_previews_their_own_unlisted_profile(login, therapist, staff):
    draft = make_profile(therapist, staff, verify=False)
    body = login(therapist).get(f"{API}/therapists/{draft.pk}").json()
    assert body["id"] == draft.pk and body["listed"] is False


def test_filters_match_the_page_and_explain_why(client, listed, listed2):
    params = "language=es&format=in_person&fee_max=70&accepting=true"
    body = client.get(f"{API}/therapists?{params}").json()
    assert [t["id"] for t in body["therapists"]] == [listed2.pk]
    filters = {"language": ["es"], "format": ["in_person"], "fee_max": 70, "accepting": True}
    (result,) = directory.page(filters, None)[0]
    assert body["therapists"][0]["matches"] == result.reasons
    assert "Speaks Spanish" in result.reasons
    assert "Accepting new clients" in result.reasons


def test_each_entry_has_the_same_next_free_time_as_the_page(client, listed, therapist2, staff):
    unbookable = make_profile(therapist2, staff)  # listed, but no hours set
    body = client.get(f"{API}/therapists").json()
    by_id = {t["id"]: t for t in body["therapists"]}
    results = {r.profile.pk: r for r in directory.page({}, None)[0]}
    assert by_id[listed.pk]["next_free_at"] is not None
    assert by_id[listed.pk]["next_free_at"].replace("Z", "+00:00") == (
        results[listed.pk].next_free.isoformat()
    )
    assert by_id[unbookable.pk]["next_free_at"] is None


def test_facet_codes_may_repeat_or_be_comma_separated(client, listed, listed2):
    for query in ("modality=cbt&modality=dbt", "modality=cbt,dbt"):
        body = client.get(f"{API}/therapists?{query}").json()
        assert {t["id"] for t in body["therapists"]} == {listed.pk, listed2.pk}
    body = client.get(f"{API}/therapists?q=worry").json()
    assert body["therapists"][0]["matches"] == ["“worry” in their introduction"]


@pytest.mark.parametrize(
    "query", ["modality=astrology", "fee_max=-1", "fee_max=lots", "cursor=abc", "licence_type=x"]
)
def test_bad_filters_are_422_json(client, listed, query):
    response = client.get(f"{API}/therapists?{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request")


def test_the_directory_pages_with_a_cursor(client, listed, listed2, staff, monkeypatch):
    monkeypatch.setattr(directory, "PER_PAGE", 1)
    first = client.get(f"{API}/therapists").json()
    assert [t["id"] for t in first["therapists"]] == [listed.pk]
    second = client.get(f"{API}/therapists?cursor={first['next_cursor']}").json()
    assert [t["id"] for t in second["therapists"]] == [listed2.pk]
    assert second["next_cursor"] is None


def test_the_directory_takes_the_same_queries_however_many_match(
    client, listed, staff, django_assert_num_queries
):
    # Profiles, facets, and three for every entry's next free time.
    with django_assert_num_queries(5):
        assert len(client.get(f"{API}/therapists?language=en").json()["therapists"]) == 1
    for _ in range(4):
        user = UserFactory(roles=[Role.THERAPIST], mfa=True)
        make_profile(user, staff)
        open_every_day(user)
    with django_assert_num_queries(5):
        assert len(client.get(f"{API}/therapists?language=en").json()["therapists"]) == 5


# --- Free times -----------------------------------------------------------------


def test_signed_in_callers_see_free_times_on_their_clock(login, member, listed, therapist):
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    booking_actions.do_book(member, therapist, at(*SLOT))
    body = login(member).get(f"{API}/therapists/{listed.pk}/slots?days=7").json()
    assert body["timezone"] == "America/New_York"
    assert body["therapist_user_id"] == therapist.pk
    starts = [datetime.fromisoformat(s["starts_at"]) for s in body["slots"]]
    assert at(*SLOT) not in starts and at(*SLOT2) in starts
    assert all(s < timezone.now() + timedelta(days=7) for s in starts)
    slot = body["slots"][starts.index(at(*SLOT2))]
    local = datetime.fromisoformat(slot["local_starts_at"])
    assert local == at(*SLOT2) and local.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))
    assert slot["local_label"].endswith(("EST", "EDT"))


@pytest.mark.parametrize("days", [0, 29, "x"])
def test_the_slot_window_is_bounded(client, listed, days):
    assert client.get(f"{API}/therapists/{listed.pk}/slots?days={days}").status_code == 422


# --- Booking --------------------------------------------------------------------


def test_a_member_books_a_free_time(client, member, listed, therapist, make_token):
    _, token = make_token(member)
    response = post_json(
        client,
        f"{API}/bookings",
        {"therapist_profile_id": listed.pk, "starts_at": iso(at(*SLOT))},
        **bearer(token),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    booking = Booking.objects.get(pk=body["id"])
    assert (booking.member, booking.therapist, booking.starts_at) == (member, therapist, at(*SLOT))
    assert body["role"] == "member" and body["status"] == "booked"
    assert body["therapist"] == therapist.handle


def test_booking_by_therapist_user_id_with_an_offset(login, member, listed, therapist):
    starts = at(*SLOT).astimezone(timezone.get_fixed_timezone(120)).isoformat()
    response = post_json(
        login(member), f"{API}/bookings", {"therapist_user_id": therapist.pk, "starts_at": starts}
    )
    assert response.status_code == 201, response.content


def test_a_far_utc_offset_books_and_reschedules_the_same_instant(login, member, listed, therapist):
    # -19:12 is a valid ISO offset that PostgreSQL cannot take (a 500 there before): the
    # time is read in UTC.
    far = timezone.get_fixed_timezone(-(19 * 60 + 12))
    client = login(member)
    booked = post_json(
        client,
        f"{API}/bookings",
        {"therapist_user_id": therapist.pk, "starts_at": at(*SLOT).astimezone(far).isoformat()},
    )
    assert booked.status_code == 201, booked.content
    moved = post_json(
        client,
        f"{API}/bookings/{booked.json()['id']}/reschedule",
        {"starts_at": at(*SLOT2).astimezone(far).isoformat()},
    )
    assert moved.status_code == 201, moved.content
    assert Booking.objects.get(status=BookingStatus.BOOKED).starts_at == at(*SLOT2)


def test_a_time_with_no_utc_equivalent_is_422(login, member, listed, booking):
    # Valid ISO 8601, but past the last datetime Python has once moved to UTC.
    starts = "9999-12-31T23:00:00-05:00"
    client = login(member)
    book = post_json(
        client, f"{API}/bookings", {"therapist_profile_id": listed.pk, "starts_at": starts}
    )
    move = post_json(client, f"{API}/bookings/{booking.pk}/reschedule", {"starts_at": starts})
    for response in (book, move):
        assert response.status_code == 422
        assert "out of range" in response.json()["detail"]
    assert Booking.objects.count() == 1


def test_a_taken_time_is_409(login, member2, booking, listed):
    response = post_json(
        login(member2),
        f"{API}/bookings",
        {"therapist_profile_id": listed.pk, "starts_at": iso(at(*SLOT))},
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("That time was just taken")
    assert Booking.objects.count() == 1


def test_a_time_that_is_not_offered_is_422(login, member, listed):
    for starts in (at(3, 10) + timedelta(minutes=7), at(3, 20), at(-1, 10)):
        response = post_json(
            login(member),
            f"{API}/bookings",
            {"therapist_profile_id": listed.pk, "starts_at": iso(starts)},
        )
        assert response.status_code == 422, starts
        assert response.json()["detail"]
    assert not Booking.objects.exists()


def test_unlisted_therapists_and_non_therapists_cannot_be_booked(
    login, member, member2, therapist, staff
):
    draft = make_profile(therapist, staff, verify=False)
    open_every_day(therapist)
    client = login(member)
    for body in (
        {"therapist_profile_id": draft.pk},
        {"therapist_user_id": therapist.pk},
        {"therapist_user_id": member2.pk},
    ):
        response = post_json(client, f"{API}/bookings", {**body, "starts_at": iso(at(*SLOT))})
        assert response.status_code == 404
        assert response.json() == {"detail": "No such therapist."}
    assert not Booking.objects.exists()


def test_a_therapist_cannot_book_themselves(login, therapist, listed):
    response = post_json(
        login(therapist),
        f"{API}/bookings",
        {"therapist_profile_id": listed.pk, "starts_at": iso(at(*SLOT))},
    )
    assert response.status_code == 422
    assert not Booking.objects.exists()


def test_a_read_only_token_cannot_book(client, member, listed, make_token):
    _, token = make_token(member, scopes=("read",))
    response = post_json(
        client,
        f"{API}/bookings",
        {"therapist_profile_id": listed.pk, "starts_at": iso(at(*SLOT))},
        **bearer(token),
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"starts_at": "2030-01-08T18:00:00Z"},
        {"therapist_profile_id": 1, "therapist_user_id": 1, "starts_at": "2030-01-08T18:00:00Z"},
        {"therapist_profile_id": 1, "starts_at": "2030-01-08T18:00:00"},
        {"therapist_profile_id": 1, "starts_at": "soon"},
        {"therapist_profile_id": 1},
        {"therapist_profile_id": 1, "starts_at": "2030-01-08T18:00:00Z", "note": "hi"},
    ],
)
def test_a_malformed_booking_is_422_json(login, member, listed, body):
    response = post_json(login(member), f"{API}/bookings", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request")


def test_a_body_that_is_not_json_is_a_json_error(login, member, listed):
    response = login(member).post(f"{API}/bookings", "{nope", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


# --- Listing bookings -----------------------------------------------------------


def test_members_and_therapists_list_their_own_bookings(login, booking, member, member2, therapist):
    mine = login(member).get(f"{API}/bookings").json()
    assert [(b["id"], b["role"]) for b in mine] == [(booking.pk, "member")]
    theirs = login(therapist).get(f"{API}/bookings").json()
    assert [(b["id"], b["role"]) for b in theirs] == [(booking.pk, "therapist")]
    assert theirs[0]["member"] == member.handle
    assert login(member2).get(f"{API}/bookings").json() == []
    assert login(member).get(f"{API}/bookings?when=past").json() == []
    assert login(member).get(f"{API}/bookings?when=later").status_code == 422


def test_listing_bookings_takes_the_same_queries_however_many(
    client, member, listed, therapist, make_token
):
    _, token = make_token(member, scopes=("read",))
    booking_actions.do_book(member, therapist, at(3, 10))
    url = f"{API}/bookings"
    client.get(url, **bearer(token))  # last_used_at is now fresh
    few = queries_for(client, url, token, expect=1)
    for day in (4, 5, 6):
        booking_actions.do_book(member, therapist, at(day, 10))
    assert queries_for(client, url, token, expect=4) == few <= 4


# --- Cancelling and rescheduling ------------------------------------------------


@pytest.mark.parametrize("persona", ["member2", "therapist2", "moderator", "staff"], indirect=True)
def test_strangers_cannot_cancel_or_reschedule(login, persona, booking, listed):
    client = login(persona)
    for url, body in (
        (f"{API}/bookings/{booking.pk}/cancel", {}),
        (f"{API}/bookings/{booking.pk}/reschedule", {"starts_at": iso(at(*SLOT2))}),
    ):
        response = post_json(client, url, body)
        assert response.status_code == 404
        assert response.json() == {"detail": "No such booking."}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert Booking.objects.count() == 1


def test_a_missing_booking_looks_like_someone_elses(login, member):
    response = post_json(login(member), f"{API}/bookings/999999/cancel")
    assert response.json() == {"detail": "No such booking."}


@pytest.mark.parametrize("who", ["member", "therapist"])
def test_either_side_cancels(request, login, booking, who):
    response = post_json(login(request.getfixturevalue(who)), f"{API}/bookings/{booking.pk}/cancel")
    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert response.json()["status"] == "cancelled"
    again = post_json(login(request.getfixturevalue(who)), f"{API}/bookings/{booking.pk}/cancel")
    assert again.status_code == 422
    assert again.json()["detail"] == "This booking is not active."


def test_a_read_only_token_cannot_cancel(client, member, booking, make_token):
    _, token = make_token(member, scopes=("read",))
    response = post_json(client, f"{API}/bookings/{booking.pk}/cancel", **bearer(token))
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_member_reschedules(login, member, booking):
    response = post_json(
        login(member), f"{API}/bookings/{booking.pk}/reschedule", {"starts_at": iso(at(*SLOT2))}
    )
    assert response.status_code == 201, response.content
    new = Booking.objects.get(pk=response.json()["id"])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert (new.starts_at, new.rescheduled_from) == (at(*SLOT2), booking)
    assert response.json()["rescheduled_from"] == booking.pk


def test_the_therapist_cannot_reschedule_for_the_member(login, therapist, booking):
    response = post_json(
        login(therapist), f"{API}/bookings/{booking.pk}/reschedule", {"starts_at": iso(at(*SLOT2))}
    )
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_rescheduling_onto_a_taken_time_keeps_the_old_booking(
    login, member, member2, booking, therapist
):
    booking_actions.do_book(member2, therapist, at(*SLOT2))
    response = post_json(
        login(member), f"{API}/bookings/{booking.pk}/reschedule", {"starts_at": iso(at(*SLOT2))}
    )
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


@pytest.mark.parametrize("body", [{}, {"starts_at": "tomorrow"}, {"starts_at": 5, "x": 1}])
def test_a_malformed_reschedule_is_422(login, member, booking, body):
    response = post_json(login(member), f"{API}/bookings/{booking.pk}/reschedule", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request")


# --- Treatment plans ------------------------------------------------------------


def test_a_member_reads_their_plan_in_plain_language(login, member, therapist, plan):
    do_submit_response(member, "phq9", PHQ9)
    client = login(member)
    (summary,) = client.get(f"{API}/plans").json()
    assert summary == {
        "id": plan.pk,
        "therapist": therapist.handle,
        "created_at": summary["created_at"],
        "current_version": 1,
    }
    body = client.get(f"{API}/plans/{plan.pk}").json()
    assert body["summary"] == "We will work on getting out more and feeling brighter."
    assert body["acknowledged_at"] is None
    (problem,) = body["problems"]
    assert problem["text"] == "Low mood most days since losing my job"
    mood, walks = problem["goals"][0]["objectives"]
    assert mood["target"] == "PHQ-9 score below 10"
    assert (mood["current"], mood["met"], mood["trend"]) == (12, False, [12])
    assert mood["interventions"] == [{"modality": "Behavioural activation", "frequency": "weekly"}]
    assert walks["target"] == "at least 3 walks per week" and walks["current"] is None


@pytest.mark.parametrize(
    "persona", ["member2", "therapist", "therapist2", "moderator", "staff"], indirect=True
)
def test_nobody_else_reads_a_members_plan_here(login, persona, plan):
    client = login(persona)
    assert client.get(f"{API}/plans").json() == []
    for response in (
        client.get(f"{API}/plans/{plan.pk}"),
        post_json(client, f"{API}/plans/{plan.pk}/acknowledge", {"version": 1}),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "No such plan."}
    assert not PlanAcknowledgement.objects.exists()


def test_a_member_acknowledges_the_current_version(client, member, plan, make_token):
    _, token = make_token(member)
    url = f"{API}/plans/{plan.pk}/acknowledge"
    stale = post_json(client, url, {"version": 2}, **bearer(token))
    assert stale.status_code == 409
    assert not PlanAcknowledgement.objects.exists()
    response = post_json(client, url, {"version": 1}, **bearer(token))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    assert PlanAcknowledgement.objects.get().member == member
    detail = client.get(f"{API}/plans/{plan.pk}", **bearer(token)).json()
    assert detail["acknowledged_at"] is not None


def test_a_read_only_token_reads_but_cannot_acknowledge(client, member, plan, make_token):
    _, token = make_token(member, scopes=("read",))
    assert client.get(f"{API}/plans/{plan.pk}", **bearer(token)).status_code == 200
    response = post_json(
        client, f"{API}/plans/{plan.pk}/acknowledge", {"version": 1}, **bearer(token)
    )
    assert response.status_code == 403
    assert not PlanAcknowledgement.objects.exists()


@pytest.mark.parametrize("body", [{}, {"version": "one"}, {"version": 0}, {"version": 1, "x": 1}])
def test_a_malformed_acknowledgement_is_422(login, member, plan, body):
    response = post_json(login(member), f"{API}/plans/{plan.pk}/acknowledge", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request")


def test_listing_plans_takes_the_same_queries_however_many(
    client, member, therapist, plan, make_token
):
    _, token = make_token(member, scopes=("read",))
    url = f"{API}/plans"
    client.get(url, **bearer(token))  # last_used_at is now fresh
    few = queries_for(client, url, token, expect=1)
    for _ in range(3):
        plan_actions.do_create_plan(
            therapist,
            member,
            content=parse_plan_text(PLAN_TEXT),
            summary="Another.",
            review_date=date(2030, 10, 1),
        )
    assert queries_for(client, url, token, expect=4) == few <= 4


def test_a_session_needs_the_csrf_token_to_book(csrf_client, member, listed):
    csrf_client.force_login(member)
    response = post_json(
        csrf_client,
        f"{API}/bookings",
        {"therapist_profile_id": listed.pk, "starts_at": iso(at(*SLOT))},
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()
