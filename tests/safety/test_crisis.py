import pytest
from django.urls import reverse

from kindred.safety.crisis import ANYWHERE, country_from_accept_language
from kindred.safety.models import CrisisCountry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("fr, en-AU;q=0.5", "AU"),
        ("en", None),
        ("", None),
        ("zh-Hant-TW", None),
    ],
)
def test_it_reads_the_region_from_the_browser_language(header, expected):
    assert country_from_accept_language(header) == expected


@pytest.mark.parametrize(
    ("code", "must_show"),
    [
        ("US", ["988", "911"]),
        ("GB", ["Samaritans", "116 123", "999"]),
        ("IE", ["Samaritans", "116 123", "112"]),
        ("CA", ["988", "911"]),
        ("AU", ["Lifeline", "13 11 14", "000"]),
    ],
)
def test_the_default_table_covers_the_required_countries(client, code, must_show):
    body = client.get(reverse("get_help"), {"country": code}).content.decode()
    for text in must_show:
        assert text in body
    assert "findahelpline.com" in body  # the international directory is always shown


def test_it_uses_the_browser_language_when_nothing_else_is_known(client):
    body = client.get(reverse("get_help"), HTTP_ACCEPT_LANGUAGE="en-AU,en;q=0.8").content.decode()
    assert "Lifeline" in body and "000" in body


def test_the_profile_country_wins_over_the_browser(client, member):
    member.country = "IE"
    member.save()
    client.force_login(member)
    body = client.get(reverse("get_help"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Crisis lines in Ireland" in body


def test_a_chosen_country_is_remembered_for_the_visit(client):
    client.get(reverse("get_help"), {"country": "CA"})
    body = client.get(reverse("get_help"), HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "Crisis lines in Canada" in body


def test_an_unknown_country_falls_back_to_the_international_directory(client):
    response = client.get(reverse("get_help"), {"country": "ZZ"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Find A Helpline" in body and "call your local emergency number" in body


def test_lines_added_by_staff_appear(client):
    country = CrisisCountry.objects.create(code="DE", name="Germany", emergency_number="112")
    country.lines.create(name="TelefonSeelsorge", phone="0800 111 0 111")
    body = client.get(reverse("get_help"), {"country": "DE"}).content.decode()
    assert "TelefonSeelsorge" in body and 'href="tel:08001110111"' in body


def test_the_help_page_needs_no_login_and_few_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(reverse("get_help"), {"country": "GB"}).status_code == 200
    assert ANYWHERE == "XX"
