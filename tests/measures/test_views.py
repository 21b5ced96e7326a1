"""The questionnaire pages: take one (whole form or one question per screen), see the
result, see the trend, download everything as FHIR."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.measures.actions import do_save_draft, do_submit_response
from kindred.measures.models import Response, ResponseDraft
from kindred.safety.models import Flag, FlagKind

pytestmark = pytest.mark.django_db

# 0+1+2+3+0+1+2+3 = 12, plus item 9.
PHQ9 = {"q1": 0, "q2": 1, "q3": 2, "q4": 3, "q5": 0, "q6": 1, "q7": 2, "q8": 3}
STEP = "/measures/phq9/?mode=step"


def submit(member, answers, *, days_ago=0, instrument="phq9"):
    outcome = do_submit_response(member, instrument, answers)
    if days_ago:
        Response.objects.filter(pk=outcome.response.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return outcome.response


def with_total(total):
    """A PHQ-9 answer set with item 9 at 0 and the given total (≤ 24)."""
    answers, left = {}, total
    for item in ("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"):
        answers[item] = min(3, left)
        left -= answers[item]
    assert left == 0
    return answers | {"q9": 0}


# --- Permissions ----------------------------------------------------------------

PAGES = ["/measures/", "/measures/phq9/", STEP, "/measures/phq9/history/"]


@pytest.mark.parametrize("url", [*PAGES, "/measures/export.fhir.json"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_visitors_cannot_see_a_result(client, member):
    own = submit(member, PHQ9 | {"q9": 0})
    response = client.get(f"/measures/results/{own.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_members_see_the_pages(login, member, url):
    assert login(member).get(url).status_code == 200


def test_another_member_gets_404_for_someone_elses_result(login, member, member2):
    theirs = submit(member, PHQ9 | {"q9": 0})
    assert login(member2).get(f"/measures/results/{theirs.pk}/").status_code == 404
    assert login(member2).get("/measures/results/999999/").status_code == 404


def test_another_members_history_and_export_leave_out_my_results(login, member, member2):
    mine = submit(member, PHQ9 | {"q9": 0})
    client = login(member2)
    history = client.get("/measures/phq9/history/")
    assert f"/measures/results/{mine.pk}/" not in history.content.decode()
    bundle = json.loads(client.get("/measures/export.fhir.json").content)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient"]


def test_unknown_or_unlicensed_instruments_are_404(login, member):
    client = login(member)
    assert client.get("/measures/nope/").status_code == 404
    assert client.get("/measures/dast10/").status_code == 404  # needs a licence
    assert client.get("/measures/nope/history/").status_code == 404


# --- Index ----------------------------------------------------------------------


def test_the_index_lists_instruments_and_my_recent_results(login, member, member2):
    submit(member, with_total(7))
    submit(member2, with_total(21))
    page = login(member).get("/measures/").content.decode()
    assert "PHQ-9" in page and "the last 2 weeks" in page and "minute" in page
    assert "DAST-10" not in page
    assert "<td>7</td>" in page and "<td>21</td>" not in page


# --- Whole form -----------------------------------------------------------------


def test_the_whole_form_has_a_fieldset_and_legend_per_item(login, member):
    page = login(member).get("/measures/phq9/").content.decode()
    assert page.count("<fieldset") == 9 and page.count("<legend>") == 9
    assert 'type="radio" name="q9"' in page


def test_submitting_the_whole_form_scores_and_shows_the_result(login, member):
    client = login(member)
    response = client.post("/measures/phq9/", {k: str(v) for k, v in PHQ9.items()} | {"q9": "0"})
    stored = Response.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == f"/measures/results/{stored.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "12" in page and "Moderate" in page and "not a diagnosis" in page
    assert "support-panel" not in page


def test_missing_answers_give_422_and_keep_the_chosen_ones(login, member):
    answers = {"q1": "2", "q2": "1", "q3": "nonsense"}
    response = login(member).post("/measures/phq9/", answers)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'name="q1" id="id_q1_2" value="2" checked' in page
    assert 'name="q2" id="id_q2_1" value="1" checked' in page
    assert "Please choose one of the answers shown." in page
    assert not Response.objects.exists()


def test_too_many_blank_items_mark_each_blank_item(login, member):
    response = login(member).post("/measures/phq9/", {"q1": "1", "q2": "1"})
    assert response.status_code == 422
    assert response.content.decode().count("Please choose an answer.") >= 7 * 2


def test_one_blank_phq9_item_is_prorated(login, member):
    answers = {k: str(v) for k, v in PHQ9.items()}  # q9 left blank
    response = login(member).post("/measures/phq9/", answers)
    assert response.status_code == 302
    assert Response.objects.get().prorated


def test_item_9_above_zero_shows_the_support_panel_first_and_raises_one_flag(login, member):
    client = login(member)
    post = {k: str(v) for k, v in PHQ9.items()} | {"q9": "2"}
    response = client.post("/measures/phq9/", post, follow=True)
    page = response.content.decode()
    assert "support-panel" in page
    assert page.index("support-panel") < page.index("Total score")
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.CRITICAL_ANSWER and flag.subject == member


def test_a_severe_phq9_result_points_to_a_therapist_or_gp(login, member):
    own = submit(member, with_total(21))
    page = login(member).get(f"/measures/results/{own.pk}/").content.decode()
    steps = page.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert "Talk to a therapist or your GP" in steps
    assert f'href="{reverse("therapy_directory")}"' in steps
    assert 'data-next-step="see_a_professional"' in page


def test_a_mild_phq9_result_points_to_peers_and_groups(login, member):
    own = submit(member, with_total(6))
    page = login(member).get(f"/measures/results/{own.pk}/").content.decode()
    steps = page.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert "Support from people who have been there" in steps
    assert f'href="{reverse("groups_list")}"' in steps
    assert reverse("therapy_directory") not in steps


def test_item_9_keeps_crisis_support_above_the_next_steps(login, member):
    own = submit(member, with_total(6) | {"q9": 1})
    page = login(member).get(f"/measures/results/{own.pk}/").content.decode()
    assert page.index("support-panel") < page.index('id="next-heading"')


def test_the_result_page_reads_a_fixed_number_of_queries(
    login, member, django_assert_max_num_queries
):
    client = login(member)
    first = submit(member, with_total(6))
    client.get(f"/measures/results/{first.pk}/")
    with django_assert_max_num_queries(30) as one:
        client.get(f"/measures/results/{first.pk}/")
    for days in range(1, 6):
        submit(member, with_total(20), days_ago=days)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(f"/measures/results/{first.pk}/")


# --- One question per screen ----------------------------------------------------


def test_each_step_saves_the_answer_to_an_encrypted_draft(login, member):
    client = login(member)
    response = client.post(STEP, {"step": "0", "nav": "next", "answer": "2"})
    assert response.status_code == 302 and response["Location"].endswith("mode=step&step=1")
    client.post(STEP, {"step": "1", "nav": "next", "answer": "3"})
    draft = ResponseDraft.objects.get(member=member, instrument_id="phq9")
    assert draft.answers == {"q1": 2, "q2": 3} and draft.step == 2
    assert not Response.objects.exists()


def test_coming_back_resumes_at_the_next_question(login, member):
    do_save_draft(member, "phq9", {"q1": 1, "q2": 1, "q3": 0}, step=3)
    page = login(member).get(STEP).content.decode()
    assert "question 4 of 9" in page and "Welcome back" in page
    assert PHQ9_TEXT_4 in page


PHQ9_TEXT_4 = "Feeling tired or having little energy"


def test_going_back_shows_the_saved_answer(login, member):
    do_save_draft(member, "phq9", {"q1": 1, "q2": 3}, step=2)
    client = login(member)
    response = client.post(STEP, {"step": "2", "nav": "back"})
    assert response["Location"].endswith("step=1")
    page = client.get(response["Location"]).content.decode()
    assert 'value="3" checked' in page


def test_a_step_without_an_answer_is_422_and_keeps_the_draft(login, member):
    do_save_draft(member, "phq9", {"q1": 1}, step=1)
    response = login(member).post(STEP, {"step": "1", "nav": "next"})
    assert response.status_code == 422
    assert "Please choose an answer." in response.content.decode()
    assert ResponseDraft.objects.get().answers == {"q1": 1}


def test_the_last_step_submits_and_discards_the_draft(login, member):
    do_save_draft(member, "phq9", PHQ9, step=8)
    response = login(member).post(STEP, {"step": "8", "nav": "next", "answer": "0"})
    stored = Response.objects.get()
    assert response["Location"] == f"/measures/results/{stored.pk}/"
    assert stored.total == 12 and stored.answers == PHQ9 | {"q9": 0}
    assert not ResponseDraft.objects.exists()


def test_the_last_step_sends_you_back_to_a_skipped_question(login, member):
    do_save_draft(member, "phq9", {"q1": 1}, step=8)
    response = login(member).post(STEP, {"step": "8", "nav": "next", "answer": "0"})
    assert response["Location"].endswith("step=1")
    assert not Response.objects.exists()


def test_drafts_are_per_member(login, member, member2):
    do_save_draft(member, "phq9", {"q1": 3}, step=1)
    page = login(member2).get(STEP).content.decode()
    assert "question 1 of 9" in page and "checked" not in page


# --- Whole-form drafts ------------------------------------------------------------

DRAFT = "/measures/phq9/draft/"


def test_anonymous_visitors_cannot_autosave(client):
    response = client.post(DRAFT, {"q1": "2"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ResponseDraft.objects.exists()


def test_autosave_refuses_get(login, member):
    assert login(member).get(DRAFT).status_code == 405


def test_autosave_keeps_a_half_finished_whole_form(login, member):
    response = login(member).post(DRAFT, {"q1": "2", "q2": "", "q3": "1"})
    assert response.status_code == 200
    assert response.json()["saved"] == 2
    draft = ResponseDraft.objects.get(member=member, instrument_id="phq9")
    assert draft.answers == {"q1": 2, "q3": 1}
    # The next autosave adds to what was kept.
    login(member).post(DRAFT, {"q1": "2", "q3": "1", "q4": "0"})
    draft.refresh_from_db()
    assert draft.answers == {"q1": 2, "q3": 1, "q4": 0}


def test_autosave_refuses_a_value_that_is_not_an_option_and_saves_nothing(login, member):
    response = login(member).post(DRAFT, {"q1": "2", "q2": "7"})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["q2"] == ["Please choose one of the answers shown."]
    assert not ResponseDraft.objects.exists()


def test_autosave_drafts_belong_to_the_writer_only(login, member, member2):
    login(member).post(DRAFT, {"q1": "3"})
    page = login(member2).get("/measures/phq9/").content.decode()
    assert "We kept the answers" not in page and "checked" not in page


def test_the_whole_form_comes_back_with_the_saved_answers(login, member):
    do_save_draft(member, "phq9", {"q1": 3, "q2": 1}, step=2)
    page = login(member).get("/measures/phq9/").content.decode()
    assert "We kept the answers you gave" in page
    assert page.count(" checked") == 2
    assert 'id="id_q1_3" value="3" checked' in page.replace('name="q1" ', "")


def test_save_and_finish_later_keeps_answers_without_scoring(login, member):
    client = login(member)
    response = client.post("/measures/phq9/", {"q1": "1", "q5": "2", "action": "save"})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    assert not Response.objects.exists()
    assert ResponseDraft.objects.get(member=member).answers == {"q1": 1, "q5": 2}
    assert "Your answers are saved" in client.get(response["Location"]).content.decode()


def test_save_and_finish_later_with_a_bad_value_keeps_the_typed_answers(login, member):
    response = login(member).post("/measures/phq9/", {"q1": "1", "q2": "9", "action": "save"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Please choose one of the answers shown." in page
    assert 'value="1" checked' in page
    assert not ResponseDraft.objects.exists()


def test_submitting_the_whole_form_discards_its_draft(login, member):
    do_save_draft(member, "phq9", {"q1": 3}, step=1)
    answers = {k: str(v) for k, v in (PHQ9 | {"q9": 0}).items()}
    response = login(member).post("/measures/phq9/", answers)
    assert response.status_code == 302
    assert not ResponseDraft.objects.exists()


# --- History --------------------------------------------------------------------


def test_the_history_table_matches_the_data_points(login, member):
    for days_ago, total in ((60, 20), (30, 12), (1, 11)):
        submit(member, with_total(total), days_ago=days_ago)
    page = login(member).get("/measures/phq9/history/").content.decode()
    table = page[page.index("<table") :]
    rows = table.split("<tr>")[2:]  # header row first
    cells = [[c.split("</td>")[0] for c in row.split("<td>")[1:]] for row in rows]
    assert [c[1:] for c in cells] == [
        ["11", "Moderate", "-1", "No"],
        ["12", "Moderate", "-8", "Yes, improvement"],
        ["20", "Severe", "—", "—"],
    ]
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert page.count('class="band band-') == 5
    assert page.count('class="point"') == 3
    assert page.count("marker-improved") == 1


def test_the_history_page_query_count_does_not_grow(login, member, django_assert_max_num_queries):
    client = login(member)
    submit(member, with_total(5))
    client.get("/measures/phq9/history/")  # warm the session
    with django_assert_max_num_queries(6) as few:
        client.get("/measures/phq9/history/")
    for days_ago in range(1, 21):
        submit(member, with_total(days_ago), days_ago=days_ago)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/measures/phq9/history/")


# --- Export ---------------------------------------------------------------------


def test_the_export_is_an_audited_attachment(login, member):
    submit(member, PHQ9 | {"q9": 0})
    response = login(member).get("/measures/export.fhir.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    event = AuditEvent.objects.get(event="measures.exported")
    assert event.actor_id == member.pk and event.changes["responses"] == 1


# --- Who will see it: the sentences come from kindred/care/visibility.py --------------


@pytest.fixture
def treated(member, therapist):
    from tests.care.factories import book

    return book(member, therapist)


@pytest.fixture
def assigned_phq9(member, therapist, treated):
    from kindred.measures.actions import do_assign_measure

    return do_assign_measure(therapist, member.pk, "phq9", every_days=7)


def privacy_of(page: str) -> str:
    import html
    import re

    match = re.search(r"<p[^>]*data-privacy[^>]*>(.*?)</p>", page, re.S)
    assert match, "no privacy sentence on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_without_a_therapist_the_index_says_answers_are_private(login, member):
    from kindred.consent.visibility import measures_sentences

    text = privacy_of(login(member).get("/measures/").content.decode())
    assert text.startswith(" ".join(measures_sentences(False, set())))


def test_with_a_therapist_the_index_says_what_they_see(login, member, treated):
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES as ASSIGNED
    from kindred.consent.visibility import THERAPIST_RISK_ALERTS as ALERTS

    text = privacy_of(login(member).get("/measures/").content.decode())
    assert f"Your therapist sees {ASSIGNED.label}." in text
    assert f"Your therapist sees {ALERTS.label}." in text
    assert "private to you unless you share it" in text
    assert "Your answers are private to you." not in text


def test_once_switched_off_the_index_no_longer_says_the_therapist_sees_them(login, member, treated):
    from kindred.consent.actions import do_set_default_access
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES as ASSIGNED

    do_set_default_access(member, ASSIGNED.key, on=False)
    text = privacy_of(login(member).get("/measures/").content.decode())
    assert str(ASSIGNED.label) not in text


@pytest.mark.parametrize("mode", ["", "?mode=step"])
def test_an_assigned_questionnaire_says_the_therapist_will_see_it(
    login, member, assigned_phq9, mode
):
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES as ASSIGNED

    text = privacy_of(login(member).get(f"/measures/phq9/{mode}").content.decode())
    assert text == f"dr_ellis asked you to fill this in. dr_ellis sees {ASSIGNED.label}."


@pytest.mark.parametrize("mode", ["", "?mode=step"])
def test_a_questionnaire_taken_alone_says_only_you_see_it(login, member, assigned_phq9, mode):
    from kindred.consent.visibility import THERAPIST_RISK_ALERTS as ALERTS

    text = privacy_of(login(member).get(f"/measures/gad7/{mode}").content.decode())
    assert text == (
        f"Only you will see your answers unless you share them. Your therapist sees {ALERTS.label}."
    )


def test_switched_off_the_assigned_questionnaire_says_only_you_see_it(login, member, assigned_phq9):
    from kindred.consent.actions import do_set_default_access
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES as ASSIGNED

    do_set_default_access(member, ASSIGNED.key, on=False)
    text = privacy_of(login(member).get("/measures/phq9/").content.decode())
    assert text.startswith("Only you will see your answers")


def test_what_the_page_says_is_what_the_therapist_gets(login, member, therapist, assigned_phq9):
    """The rule and the copy agree: the assigned questionnaire reaches the therapist's
    results page, the one taken alone does not."""
    client = login(member)
    client.post("/measures/phq9/", {f"q{i}": "1" for i in range(1, 10)})
    client.post("/measures/gad7/", {f"q{i}": "1" for i in range(1, 8)})
    page = login(therapist).get(f"/therapist/measures/{member.pk}/").content.decode()
    assert 'id="chart-title-phq9"' in page and 'id="chart-title-gad7"' not in page


def test_one_switch_changes_the_sentence_on_every_page_that_says_who_sees_answers(
    login, member, assigned_phq9
):
    """/measures/, the questionnaire page, /my/care/ and "Who can see what" all render
    the same declaration through one function; switching it off changes all four."""
    from kindred.consent.actions import do_set_default_access
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES as ASSIGNED
    from kindred.consent.visibility import sentence

    client = login(member)
    pages = ("/measures/", "/measures/phq9/", "/my/care/", "/my/care/who-can-see/")
    general, named = sentence(ASSIGNED), sentence(ASSIGNED, person="dr_ellis")

    def said() -> list[bool]:
        import html

        texts = [html.unescape(client.get(p).content.decode()) for p in pages]
        return [
            general in texts[0],
            named in privacy_of(client.get(pages[1]).content.decode()),
            named in texts[2],
            named in texts[3] and "You switched this off." not in texts[3],
        ]

    assert said() == [True, True, True, True]
    do_set_default_access(member, ASSIGNED.key, on=False)
    assert said() == [False, False, False, False]
