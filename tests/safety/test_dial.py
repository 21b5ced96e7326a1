"""Every crisis number is a link a phone opens: tel: to call, sms: to text."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kindred.safety.dial import Dial, link_phone_numbers, sms_uri, split_numbers, tel_uri
from kindred.safety.models import CrisisCountry, CrisisLine

sms_migration = importlib.import_module("kindred.safety.migrations.0005_crisis_line_sms")


@pytest.mark.parametrize(
    ("number", "uri"),
    [
        ("116 123", "tel:116123"),
        ("+44 7700 900123", "tel:+447700900123"),
        ("000", "tel:000"),
        ("", ""),
    ],
)
def test_tel_links_keep_only_what_a_dialler_needs(number, uri):
    assert tel_uri(number) == uri


def test_sms_links_prefill_the_keyword_in_the_form_both_phones_read():
    assert sms_uri("741741", "HOME") == "sms:741741?&body=HOME"
    assert sms_uri("988") == "sms:988"
    assert sms_uri("50808", "HELLO THERE") == "sms:50808?&body=HELLO%20THERE"
    assert sms_uri("", "HOME") == ""


@pytest.mark.parametrize(
    ("field", "numbers"),
    [
        ("999", [Dial("999", "tel:999")]),
        ("112 or 999", [Dial("112", "tel:112"), Dial("999", "tel:999")]),
        ("112, 999", [Dial("112", "tel:112"), Dial("999", "tel:999")]),
        ("", []),
    ],
)
def test_an_emergency_field_with_several_numbers_gives_one_link_each(field, numbers):
    assert split_numbers(field) == numbers


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Text 988", ("988", "")),
        ("Text HOME to 741741", ("741741", "HOME")),
        ("Text SHOUT to 85258", ("85258", "SHOUT")),
        ("Text 0477 13 11 14", ("0477131114", "")),
        ("Text via WhatsApp", None),
        ("", None),
    ],
)
def test_the_migration_reads_number_and_keyword_from_the_wording(text, parsed):
    assert sms_migration.parse_text_line(text) == parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "name", "number", "keyword"),
    [
        ("US", "988 Suicide & Crisis Lifeline", "988", ""),
        ("US", "Crisis Text Line", "741741", "HOME"),
        ("GB", "Shout", "85258", "SHOUT"),
        ("IE", "Text About It (50808)", "50808", "HELLO"),
        ("CA", "9-8-8 Suicide Crisis Helpline", "988", ""),
        ("AU", "Lifeline", "0477131114", ""),
        ("NZ", "Need to talk? 1737", "1737", ""),
    ],
)
def test_every_seeded_text_line_has_its_number_after_the_migration(country, name, number, keyword):
    line = CrisisLine.objects.get(country_id=country, name=name)
    assert (line.sms_number, line.sms_keyword) == (number, keyword)


@pytest.mark.django_db
def test_seeded_lines_without_texting_get_no_sms_number():
    assert not CrisisLine.objects.filter(text="").exclude(sms_number="").exists()
    samaritans = CrisisLine.objects.get(country_id="GB", name="Samaritans")
    assert samaritans.sms_uri == "" and samaritans.phone_uri == "tel:116123"


@pytest.mark.django_db
def test_a_line_without_wording_gets_one_from_its_number():
    country = CrisisCountry.objects.create(code="DE", name="Germany", emergency_number="112")
    line = CrisisLine(country=country, name="Krisenchat", sms_number="+49 157 1234", sms_keyword="")
    assert line.text_label == "Text +49 157 1234" and line.sms_uri == "sms:+491571234"
    line.sms_keyword = "HALLO"
    assert line.text_label == "Text HALLO to +49 157 1234"
    line.text = "Schreib HALLO"
    assert line.text_label == "Schreib HALLO"


@pytest.mark.django_db
def test_a_keyword_without_a_number_is_refused():
    country = CrisisCountry.objects.get(code="US")
    line = CrisisLine(country=country, name="Half a line", sms_keyword="HOME")
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "sms_number" in error.value.message_dict
    line = CrisisLine(country=country, name="Bad number", sms_number="call us")
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "sms_number" in error.value.message_dict


@pytest.mark.django_db
def test_the_help_page_links_every_text_line_and_phone(client):
    body = client.get(reverse("get_help"), {"country": "US"}).content.decode()
    assert 'href="sms:741741?&amp;body=HOME"' in body
    assert ">Text HOME to 741741</a>" in body
    assert 'href="sms:988"' in body and 'href="tel:988"' in body
    assert 'href="tel:911"' in body


@pytest.mark.django_db
def test_two_emergency_numbers_are_two_links_not_one_broken_one(client):
    body = client.get(reverse("get_help"), {"country": "IE"}).content.decode()
    assert 'href="tel:112"' in body and 'href="tel:999"' in body
    assert "tel:112 or 999" not in body
    assert 'href="sms:50808?&amp;body=HELLO"' in body


@pytest.mark.django_db
def test_a_text_line_staff_wrote_only_in_words_stays_plain_text(client):
    country = CrisisCountry.objects.create(code="DE", name="Germany", emergency_number="112")
    country.lines.create(name="Chat line", text="Write to us on WhatsApp")
    body = client.get(reverse("get_help"), {"country": "DE"}).content.decode()
    assert "<li>Write to us on WhatsApp</li>" in body and "sms:" not in body


@pytest.mark.django_db
def test_the_safety_plan_links_the_emergency_number(login, member):
    member.country = "IE"
    member.save(update_fields=["country"])
    body = login(member).get(reverse("safety_plan")).content.decode()
    assert 'href="tel:112"' in body and 'href="tel:999"' in body
    assert 'href="sms:50808?&amp;body=HELLO"' in body


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Mum 07700 900123", 'Mum <a href="tel:07700900123" class="tel">07700 900123</a>'),
        ("Samaritans on 116 123.", 'Samaritans on <a href="tel:116123" class="tel">116 123</a>.'),
        (
            "Dr Lee (0113) 496-0000",
            'Dr Lee <a href="tel:01134960000" class="tel">(0113) 496-0000</a>',
        ),
        (
            "+1 212 555 0100 any time",
            '<a href="tel:+12125550100" class="tel">+1 212 555 0100</a> any time',
        ),
        ("Walk 3 times a week", "Walk 3 times a week"),
        ("Since 2019, on 2024-01-05", "Since 2019, on 2024-01-05"),
        (
            "<i>Jo</i> 07700900123",
            '&lt;i&gt;Jo&lt;/i&gt; <a href="tel:07700900123" class="tel">07700900123</a>',
        ),
    ],
)
def test_numbers_people_write_in_their_plan_become_tel_links(text, html):
    assert str(link_phone_numbers(text)) == html
