import re

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.clinical import actions
from kindred.clinical.models import ProgressNote
from tests.clinical.conftest import SOAP

NON_TREATING = [
    "anonymous",
    "member",
    "member2",
    "peer_supporter",
    "therapist2",
    "moderator",
    "staff",
]


def same_page(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def record_url(member):
    return reverse("clinical_record", args=[member.pk])


def test_my_clients_lists_current_clients(login, therapist, member, member2, booking):
    page = login(therapist).get(reverse("clinical_clients"))
    assert page.status_code == 200
    assert member.handle in page.content.decode() and member2.handle not in page.content.decode()


def test_the_record_page_shows_everything_to_the_treating_therapist_and_is_audited(
    login, therapist, member, signed, process_note, intake
):
    actions.do_add_addendum(therapist, signed, "Correction: March.")
    page = login(therapist).get(record_url(member))
    html = page.content.decode()
    assert page.status_code == 200
    for text in [
        "Behavioural activation",
        "Correction: March.",
        "Countertransference",
        "I can&#x27;t sleep.",
        "Psychotherapy notes",
    ]:
        assert text in html
    row = AuditEvent.objects.filter(event="clinical.record.read").get()
    assert row.actor_id == therapist.pk and row.target_id == str(member.pk)
    assert row.changes["notes"] == [signed.pk]
    assert row.changes["psychotherapy_notes"] == [process_note.pk]


@pytest.mark.parametrize("persona", NON_TREATING, indirect=True)
def test_everyone_else_gets_the_same_404_as_a_missing_client(
    persona, login, member, signed, process_note, other_treats_member
):
    client = login(persona)
    urls = [
        (record_url(member), reverse("clinical_record", args=[999_999])),
        (
            reverse("clinical_edit_note", args=[signed.pk]),
            reverse("clinical_edit_note", args=[999_999]),
        ),
        (
            reverse("clinical_add_addendum", args=[signed.pk]),
            reverse("clinical_add_addendum", args=[999_999]),
        ),
        (
            reverse("clinical_edit_psychotherapy_note", args=[process_note.pk]),
            reverse("clinical_edit_psychotherapy_note", args=[999_999]),
        ),
    ]
    if persona is not None and persona.handle == "dr_chen":
        # dr_chen treats maya too: his own, empty record of her, nothing of dr_ellis's.
        own = client.get(urls.pop(0)[0]).content.decode()
        assert "Behavioural" not in own and "Countertransference" not in own
    for real, missing in urls:
        got, expected = client.get(real), client.get(missing)
        assert got.status_code == expected.status_code
        if persona is None:
            assert got.status_code == 302  # to the login page
        else:
            assert got.status_code == 404
            # Apart from the echoed path and the per-response CSRF mask, byte for byte.
            body = same_page(got.content.decode().replace(real, missing))
            assert body == same_page(expected.content.decode())
    for read in AuditEvent.objects.filter(event__endswith=".read"):
        assert read.event == "clinical.record.read" and read.changes["notes"] == []


def test_writing_a_note_through_the_pages(login, therapist, member, booking):
    client = login(therapist)
    chooser = client.get(reverse("clinical_new_note", args=[member.pk]))
    assert chooser.status_code == 200 and "BIRP" in chooser.content.decode()
    url = reverse("clinical_new_note", args=[member.pk]) + "?format=birp"
    assert "Intervention" in client.get(url).content.decode()
    post = {
        "behavior": "Tearful",
        "intervention": "Grounding",
        "response": "Calmer",
        "plan": "Continue",
        "risk_level": "none",
        "booking": booking.pk,
    }
    done = client.post(url, post)
    note = ProgressNote.objects.get()
    assert done.status_code == 302 and note.format == "birp" and note.booking == booking
    edit = client.post(
        reverse("clinical_edit_note", args=[note.pk]), {**post, "plan": "Review next week"}
    )
    assert edit.status_code == 302
    note.refresh_from_db()
    assert note.content["plan"] == "Review next week"
    assert client.get(reverse("clinical_sign_note", args=[note.pk])).status_code == 200
    client.post(reverse("clinical_sign_note", args=[note.pk]))
    note.refresh_from_db()
    assert note.is_signed


def test_a_refused_note_keeps_the_input(login, therapist, member, booking):
    url = reverse("clinical_new_note", args=[member.pk]) + "?format=soap"
    page = login(therapist).post(url, {**SOAP, "risk_level": "high", "risk_rationale": ""})
    assert page.status_code == 422
    html = page.content.decode()
    assert "Behavioural activation" in html and "Say why you rated the risk" in html
    assert not ProgressNote.objects.exists()


def test_the_edit_page_refuses_a_signed_note(login, therapist, signed):
    client = login(therapist)
    url = reverse("clinical_edit_note", args=[signed.pk])
    assert client.get(url).status_code == 409
    posted = client.post(url, {**SOAP, "plan": "Rewritten", "risk_level": "none"})
    assert posted.status_code == 409
    signed.refresh_from_db()
    assert signed.content == SOAP and signed.risk_level == "low"


def test_addenda_through_the_page_keep_input_on_errors(login, therapist, signed):
    client = login(therapist)
    url = reverse("clinical_add_addendum", args=[signed.pk])
    assert client.post(url, {"text": "  "}).status_code == 422
    assert client.post(url, {"text": "Correction."}).status_code == 302
    assert signed.addenda.get().text == "Correction."


def test_every_therapist_read_is_audited(login, therapist, member, draft, process_note):
    client = login(therapist)
    client.get(reverse("clinical_edit_note", args=[draft.pk]))
    client.get(reverse("clinical_sign_note", args=[draft.pk]))
    client.get(reverse("clinical_edit_psychotherapy_note", args=[process_note.pk]))
    reads = AuditEvent.objects.filter(event__endswith=".read", actor_id=therapist.pk)
    assert sorted(reads.values_list("event", flat=True)) == [
        "clinical.progressnote.read",
        "clinical.progressnote.read",
        "clinical.psychotherapynote.read",
    ]


def test_diagnosis_and_process_note_pages(login, therapist, member, booking):
    client = login(therapist)
    url = reverse("clinical_new_diagnosis", args=[member.pk])
    assert client.post(url, {"code": "Z00", "note": "kept"}).status_code == 422
    assert client.post(url, {"code": "F43.1", "note": "After the accident."}).status_code == 302
    url = reverse("clinical_new_psychotherapy_note", args=[member.pk])
    assert client.post(url, {"text": ""}).status_code == 422
    assert client.post(url, {"text": "Process."}).status_code == 302
    html = client.get(record_url(member)).content.decode()
    assert "F43.1" in html and "Post-traumatic stress disorder" in html and "Process." in html


def test_the_member_fills_in_their_intake(login, therapist, member, booking):
    client = login(therapist)
    client.post(reverse("clinical_request_intake", args=[member.pk]))
    client = login(member)
    url = reverse("clinical_my_intake", args=[therapist.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Worry", "goals": "Calm"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Worry" in page
    assert "Behavioural" not in page


def test_the_member_never_sees_notes_or_process_notes(login, member, signed, process_note):
    client = login(member)
    for url in [
        reverse("clinical_edit_note", args=[signed.pk]),
        reverse("clinical_edit_psychotherapy_note", args=[process_note.pk]),
    ]:
        assert client.get(url).status_code == 404


def test_someone_elses_intake_is_404(login, member2, therapist, intake):
    assert login(member2).get(reverse("clinical_my_intake", args=[therapist.pk])).status_code == 404


def test_clinical_models_are_not_in_the_admin(login, staff, signed):
    # Staff see nothing clinical; not registering the models is the admin's read-only rule.
    from django.contrib import admin

    from kindred.clinical.models import NoteAddendum, ProgressNote, PsychotherapyNote

    for model in (ProgressNote, NoteAddendum, PsychotherapyNote):
        assert not admin.site.is_registered(model)
    url = f"/admin/clinical/progressnote/{signed.pk}/change/"
    assert login(staff).post(url, {"risk_level": "none"}).status_code in (302, 404)
    signed.refresh_from_db()
    assert signed.risk_level == "low"


def test_the_record_page_query_count_does_not_grow_with_notes(
    login, therapist, member, booking, django_assert_max_num_queries
):
    client = login(therapist)
    client.get(record_url(member))  # warm the session and caches
    for i in range(6):
        note = actions.do_save_note_draft(
            therapist, member, fmt="soap", content={**SOAP, "plan": f"p{i}"}, risk_level="none"
        )
        actions.do_sign_note(therapist, note)
        actions.do_add_addendum(therapist, note, f"a{i}")
        actions.do_save_psychotherapy_note(therapist, member, f"n{i}")
        actions.do_set_diagnosis(therapist, member, ["F32.1", "F41.1"][i % 2])
    with django_assert_max_num_queries(30):
        assert client.get(record_url(member)).status_code == 200
