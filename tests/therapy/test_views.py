from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.bookings.actions import do_add_weekly_availability
from kindred.core.roles import Role
from kindred.therapy.access import is_listed
from kindred.therapy.models import ProfileStatus, TherapistProfile
from tests.factories import UserFactory

ALL = ["anonymous", "member", "moderator", "therapist", "therapist2", "staff"]


def form_post(**overrides):
    data = {
        "licence_type": "psychologist",
        "licence_number": "PYL12345",
        "jurisdiction": "England",
        "licence_expires_on": "2099-01-31",
        "fee": "80",
        "currency": "GBP",
        "accepting_new_clients": "on",
        "introduction": "I help with worry.",
        "modality": ["cbt"],
        "language": ["en", "es"],
        "format": ["video"],
    }
    data.update(overrides)
    return data


# --- Who reaches which page -----------------------------------------------------


@pytest.mark.parametrize("persona", ALL, indirect=True)
def test_the_directory_is_public(persona, login, make_profile, therapist):
    listed = make_profile(therapist)
    client = login(persona)
    assert client.get(reverse("therapy_directory")).status_code == 200
    assert client.get(reverse("therapy_profile", args=[listed.pk])).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 404),
        ("member", 404),
        ("moderator", 404),
        ("therapist2", 404),
        ("therapist", 200),
        ("staff", 200),
    ],
    indirect=["persona"],
)
def test_unlisted_profile_pages(persona, status, login, make_profile, therapist):
    draft = make_profile(therapist, status="submitted")
    assert login(persona).get(reverse("therapy_profile", args=[draft.pk])).status_code == status


THERAPIST_PAGES = ["therapist_home", "therapist_profile"]
STAFF_PAGES = ["staff_therapist_queue"]


@pytest.mark.parametrize("name", THERAPIST_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 404), ("moderator", 404), ("staff", 404), ("therapist", 200), ("therapist2", 200)],
    indirect=["persona"],
)
def test_therapist_pages(name, persona, status, login):
    assert login(persona).get(reverse(name)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 404), ("moderator", 404), ("therapist", 404), ("staff", 200)],
    indirect=["persona"],
)
def test_staff_pages(persona, status, login, make_profile, therapist2):
    profile = make_profile(therapist2, status="submitted")
    client = login(persona)
    assert client.get(reverse("staff_therapist_queue")).status_code == status
    assert client.get(reverse("staff_therapist_review", args=[profile.pk])).status_code == status


@pytest.mark.parametrize(
    "url", ["/therapist/", "/therapist/profile/", "/staff/therapists/", "/staff/therapists/1/"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/therapist/", "/therapist/profile/"])
def test_a_therapist_without_a_second_factor_is_sent_to_set_one_up(client, url):
    client.force_login(UserFactory(roles=[Role.THERAPIST]))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_staff_without_a_second_factor_cannot_review(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.get("/staff/therapists/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_therapist_can_only_edit_their_own_profile(client, therapist, therapist2, make_profile):
    theirs = make_profile(therapist)
    client.force_login(therapist2)
    response = client.post(reverse("therapist_profile"), form_post(licence_number="STOLEN"))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.licence_number == "PYL12345" and theirs.status == ProfileStatus.VERIFIED
    assert TherapistProfile.objects.get(user=therapist2).licence_number == "STOLEN"


# --- The workflow through the pages ---------------------------------------------


def test_from_draft_to_listed_through_the_pages(client, therapist, staff):
    client.force_login(therapist)
    assert "You have no profile yet" in client.get(reverse("therapist_home")).content.decode()
    assert client.post(reverse("therapist_profile"), form_post()).status_code == 302
    profile = TherapistProfile.objects.get(user=therapist)
    assert "Draft" in client.get(reverse("therapist_profile")).content.decode()
    client.post(reverse("therapist_profile_submit"))
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED
    assert "Waiting for a licence check" in client.get(reverse("therapist_home")).content.decode()
    listed_url = reverse("therapy_profile", args=[profile.pk])
    assert listed_url not in client.get(reverse("therapy_directory")).content.decode()

    client.force_login(staff)
    queue = client.get(reverse("staff_therapist_queue")).content.decode()
    assert reverse("staff_therapist_review", args=[profile.pk]) in queue
    review = reverse("staff_therapist_review", args=[profile.pk])
    bad = client.post(review, {"decision": "verify", "verify-evidence_notes": ""})
    assert bad.status_code == 422
    ok = client.post(review, {"decision": "verify", "verify-evidence_notes": "Register, 2 May"})
    assert ok.status_code == 302
    assert is_listed(therapist)
    assert AuditEvent.objects.filter(event="therapy.licence_verified", actor_id=staff.pk).exists()

    client.logout()
    page = client.get(reverse("therapy_directory")).content.decode()
    assert reverse("therapy_profile", args=[profile.pk]) in page
    detail = client.get(reverse("therapy_profile", args=[profile.pk])).content.decode()
    assert therapist.legal_name in detail and "I help with worry." in detail


def test_staff_reject_with_a_reason_the_therapist_sees(client, therapist, staff, make_profile):
    profile = make_profile(therapist, status="submitted")
    client.force_login(staff)
    review = reverse("staff_therapist_review", args=[profile.pk])
    response = client.post(
        review,
        {
            "decision": "reject",
            "reject-evidence_notes": "Searched the register",
            "reject-reason": "No entry for PYL12345.",
        },
    )
    assert response.status_code == 302
    client.force_login(therapist)
    page = client.get(reverse("therapist_profile")).content.decode()
    assert "Not verified" in page and "No entry for PYL12345." in page
    assert "Submit for licence check" in page


def test_editing_licence_data_says_the_profile_is_unlisted(client, therapist, make_profile):
    make_profile(therapist)
    client.force_login(therapist)
    page = client.get(reverse("therapist_profile")).content.decode()
    assert "takes a listed profile out of the directory" in page
    response = client.post(
        reverse("therapist_profile"), form_post(licence_number="NEW1"), follow=True
    )
    assert "out of the directory until staff check the licence again" in response.content.decode()
    assert not is_listed(therapist)


def test_invalid_profile_data_is_shown_not_saved(client, therapist):
    client.force_login(therapist)
    response = client.post(
        reverse("therapist_profile"), form_post(format=["in_person"], in_person_location="")
    )
    assert response.status_code == 422
    assert "Say where in-person sessions take place." in response.content.decode()
    assert not TherapistProfile.objects.filter(user=therapist).exists()


# --- The directory page ---------------------------------------------------------


def test_the_directory_works_with_a_plain_get_form(client, make_profile, therapist, therapist2):
    make_profile(therapist, language=["en", "es"])
    make_profile(therapist2, language=["en"])
    page = client.get(reverse("therapy_directory")).content.decode()
    assert '<form method="get"' in page and 'name="language"' in page
    response = client.get(reverse("therapy_directory"), {"language": "es", "format": "video"})
    body = response.content.decode()
    assert therapist.legal_name in body and therapist2.legal_name not in body
    assert "Matches: Speaks Spanish · Video sessions" in body


def test_bad_filter_values_show_errors_not_a_crash(client):
    response = client.get(reverse("therapy_directory"), {"modality": "astrology", "fee_max": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_next_page_link_keeps_the_filters(client, make_profile, monkeypatch):
    monkeypatch.setattr("kindred.therapy.directory.PER_PAGE", 1)
    make_profile()
    make_profile()
    body = client.get(reverse("therapy_directory"), {"modality": "cbt"}).content.decode()
    assert "modality=cbt&amp;after=" in body


def _weekdays_nine_to_five(user):
    for weekday in range(7):
        do_add_weekly_availability(user, weekday=weekday, start_time=time(9), end_time=time(17))


def test_directory_queries_do_not_grow_with_results(
    client, make_profile, django_assert_max_num_queries
):
    # Profiles, their facets, and three for every card's next free time.
    first = make_profile()
    _weekdays_nine_to_five(first.user)
    with django_assert_max_num_queries(5) as few:
        client.get(reverse("therapy_directory"), {"modality": "cbt", "language": "en"})
    for _ in range(6):
        _weekdays_nine_to_five(make_profile().user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("therapy_directory"), {"modality": "cbt", "language": "en"})
    body = response.content.decode()
    assert body.count("Matches: Offers CBT") == 7
    assert body.count("<time datetime=") == 7


def test_profile_queries_are_bounded(client, make_profile, django_assert_max_num_queries):
    profile = make_profile()
    _weekdays_nine_to_five(profile.user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("therapy_profile", args=[profile.pk]))
    assert response.content.decode().count("<time datetime=") == 6


def test_a_card_shows_what_a_person_chooses_by(client, make_profile, therapist):
    therapist.legal_name = "Dr Jordan Ellis"
    therapist.save(update_fields=["legal_name"])
    profile = make_profile(
        therapist,
        modality=["cbt", "act"],
        language=["en", "es"],
        format=["video", "in_person"],
        in_person_location="Leeds",
        fee=Decimal(80),
        sliding_scale_min=Decimal(40),
        sliding_scale_max=Decimal(60),
    )
    _weekdays_nine_to_five(therapist)
    body = client.get(reverse("therapy_directory")).content.decode()
    assert '<span class="avatar" aria-hidden="true">JE</span>' in body
    assert "Clinical or counselling psychologist" in body
    assert "£80 a session; sliding scale £40 to £60" in body
    assert "English, Spanish" in body and ">en<" not in body
    assert "Video sessions, In-person sessions (Leeds)" in body
    assert f'href="/therapists/{profile.pk}/"' in body
    assert "Nothing free in the next" not in body


def test_a_card_says_when_nothing_is_free(client, make_profile):
    make_profile()
    body = client.get(reverse("therapy_directory")).content.decode()
    assert "Nothing free in the next 14 days" in body


def test_filters_are_checkbox_groups_in_a_side_panel(client):
    body = client.get(reverse("therapy_directory")).content.decode()
    assert '<details class="side-panel' in body
    for name in ("modality", "specialty", "population", "language", "format"):
        assert f'type="checkbox" name="{name}"' in body
    assert "multiple" not in body


def test_an_empty_directory_does_not_blame_the_filters(client):
    body = client.get(reverse("therapy_directory")).content.decode()
    assert "No therapists are listed yet" in body
    assert "matches all of these filters" not in body
    # A submitted form with nothing chosen is still "no filter".
    body = client.get(reverse("therapy_directory"), {"q": "", "fee_max": ""}).content.decode()
    assert "No therapists are listed yet" in body
    body = client.get(reverse("therapy_directory"), {"modality": "cbt"}).content.decode()
    assert "No listed therapist matches all of these filters" in body


def test_the_profile_lists_free_times_that_link_to_booking(client, make_profile, therapist):
    profile = make_profile(therapist)
    _weekdays_nine_to_five(therapist)
    body = client.get(reverse("therapy_profile", args=[profile.pk])).content.decode()
    booking_url = reverse("bookings_therapist", args=[therapist.pk])
    assert body.count(f'href="{booking_url}?at=') == 6
    assert "See free times and book" in body
    assert "Times in UTC." in body


def test_a_preview_of_an_unlisted_profile_offers_no_booking(login, make_profile, therapist):
    profile = make_profile(therapist, status="submitted")
    _weekdays_nine_to_five(therapist)
    body = login(therapist).get(reverse("therapy_profile", args=[profile.pk])).content.decode()
    assert "Preview:" in body and "See free times and book" not in body


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_visitors_never_see_unverified_therapists(client, make_profile, therapist, status):
    profile = make_profile(therapist, status=status)
    assert client.get(reverse("therapy_profile", args=[profile.pk])).status_code == 404
    assert therapist.legal_name not in client.get(reverse("therapy_directory")).content.decode()


def test_visitors_never_see_a_therapist_whose_licence_lapsed(client, make_profile, therapist):
    profile = make_profile(therapist)
    TherapistProfile.objects.filter(pk=profile.pk).update(status=ProfileStatus.EXPIRED)
    assert client.get(reverse("therapy_profile", args=[profile.pk])).status_code == 404
    assert therapist.legal_name not in client.get(reverse("therapy_directory")).content.decode()


def test_a_missing_profile_is_the_same_404(client):
    assert client.get(reverse("therapy_profile", args=[999999])).status_code == 404


def test_a_member_with_an_unknown_time_zone_sees_utc(login, member, make_profile, therapist):
    profile = make_profile(therapist)
    _weekdays_nine_to_five(therapist)
    member.timezone = "Mars/Olympus_Mons"
    member.save(update_fields=["timezone"])
    client = login(member)
    assert "(UTC)" in client.get(reverse("therapy_directory")).content.decode()
    body = client.get(reverse("therapy_profile", args=[profile.pk])).content.decode()
    assert "Times in UTC." in body
