"""GET /api/v1/crisis-resources: no login, always an answer."""

from __future__ import annotations

import pytest

from kindred.safety.models import CrisisCountry
from tests.api.conftest import bearer

URL = "/api/v1/crisis-resources"


def test_it_needs_no_login_and_lists_the_chosen_country(client, db):
    response = client.get(URL, {"country": "GB"})
    assert response.status_code == 200
    body = response.json()
    assert body["selected"] == "GB"
    assert body["country"]["name"] == "United Kingdom"
    assert body["country"]["lines"], "GB has seeded lines"
    assert set(body["country"]["lines"][0]) == {
        "name",
        "description",
        "phone",
        "phone_uri",
        "text",
        "sms_number",
        "sms_keyword",
        "sms_uri",
        "chat_url",
        "website",
        "hours",
    }
    assert body["anywhere"]["code"] == "XX"
    assert {"code": "GB", "name": "United Kingdom"} in body["countries"]
    assert all(c["code"] != "XX" for c in body["countries"])


def test_text_lines_come_with_an_sms_link_and_phones_with_a_tel_link(client, db):
    lines = {
        line["name"]: line for line in client.get(URL, {"country": "US"}).json()["country"]["lines"]
    }
    crisis_text_line = lines["Crisis Text Line"]
    assert crisis_text_line["sms_uri"] == "sms:741741?&body=HOME"
    assert (crisis_text_line["sms_number"], crisis_text_line["sms_keyword"]) == ("741741", "HOME")
    assert crisis_text_line["text"] == "Text HOME to 741741" and crisis_text_line["phone_uri"] == ""
    lifeline = lines["988 Suicide & Crisis Lifeline"]
    assert (lifeline["phone_uri"], lifeline["sms_uri"]) == ("tel:988", "sms:988")


def test_the_code_is_case_insensitive(client, db):
    assert client.get(URL, {"country": "gb"}).json()["selected"] == "GB"


def test_an_unknown_country_falls_back_to_anywhere(client, db):
    body = client.get(URL, {"country": "ZZ"}).json()
    assert body["selected"] == "XX"
    assert body["country"] is None
    assert body["anywhere"]["lines"]


def test_without_a_country_it_uses_the_browser_language(client, db):
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="en-IE,en;q=0.9").json()
    assert body["selected"] == "IE"


def test_it_uses_the_signed_in_persons_country(login, member):
    member.country = "NZ"
    member.save(update_fields=["country"])
    assert login(member).get(URL).json()["selected"] == "NZ"


def test_a_bad_token_does_not_block_crisis_resources(client, db):
    response = client.get(URL, {"country": "GB"}, **bearer("kdr_0123456789abcdef_nope"))
    assert response.status_code == 200


def test_a_too_long_country_gets_422(client, db):
    assert client.get(URL, {"country": "X" * 50}).status_code == 422


def test_it_works_with_an_empty_table(client, db):
    CrisisCountry.objects.all().delete()
    body = client.get(URL, {"country": "GB"}).json()
    assert body == {"selected": "XX", "country": None, "anywhere": None, "countries": []}


@pytest.mark.parametrize("country", ["GB", "US", ""])
def test_it_takes_a_fixed_number_of_queries(client, db, country, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert client.get(URL, {"country": country}).status_code == 200
