"""The care pages, tried as each persona: anonymous, the wrong user, the wrong role, the
right user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.care import actions
from kindred.care.models import Referral, ReferralStatus
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant
from kindred.measures.actions import do_submit_response
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

TEAM = "/my/care/"
SHARING = "/my/care/sharing/"
LOG = "/my/care/who-looked/"
TIMELINE = "/my/care/timeline/"
SUGGESTIONS = "/my/care/suggestions/"
SHARED = "/my/care/shared/"
MEMBER_PAGES = (TEAM, SHARING, LOG, TIMELINE, SUGGESTIONS, SHARED)


def shared_url(member):
    return f"/my/care/shared/{member.pk}/"


def suggest_url(member):
    return f"/my/care/suggest/{member.pk}/"


@pytest.fixture
def phq9(member):
    for value in (2, 1):
        do_submit_response(member, "phq9", {f"q{i}": value for i in range(1, 10)})


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_every_signed_in_person_has_their_own_pages(login, persona, url):
    assert login(persona).get(url).status_code == 200


def test_the_team_page_lists_the_members_own_team(login, care_team, member, member2):
    page = login(member).get(TEAM).content.decode()
    for handle in ("peer_priya", "facil_frank", "dr_ellis"):
        assert handle in page
    other = login(member2).get(TEAM).content.decode()
    assert "peer_priya" not in other and "dr_ellis" not in other


def test_the_member_shares_and_stops_sharing(login, care_team, member, peer_supporter):
    client = login(member)
    response = client.post(
        SHARING, {"grantee": peer_supporter.pk, "scope": grants.MEASURE_TRENDS, "until": ""}
    )
    assert response.status_code == 302
    grant = ConsentGrant.objects.get(member=member)
    assert grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
    assert f'action="/my/care/sharing/{grant.pk}/stop/"' in client.get(SHARING).content.decode()
    assert client.post(f"/my/care/sharing/{grant.pk}/stop/").status_code == 302
    assert not grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)


def test_sharing_until_a_date_lasts_through_that_day(login, care_team, member, peer_supporter):
    until = timezone.localdate() + timedelta(days=3)
    login(member).post(
        SHARING, {"grantee": peer_supporter.pk, "scope": grants.SAFETY_PLAN, "until": until}
    )
    grant = ConsentGrant.objects.get(member=member)
    assert timezone.localtime(grant.expires_at).date() == until + timedelta(days=1)


@pytest.mark.parametrize(
    "data",
    [
        {"grantee": "", "scope": "measure_trends"},
        {"grantee": "abc", "scope": "measure_trends"},
        {"grantee": "PEER", "scope": "notes"},
        {"grantee": "PEER", "scope": "measure_trends", "until": "2001-01-01"},
        {"grantee": "PEER", "scope": "measure_trends", "until": "not a date"},
        {"grantee": "MEMBER2", "scope": "measure_trends"},
    ],
)
def test_bad_sharing_input_is_a_form_error(login, care_team, member, member2, peer_supporter, data):
    data = {
        k: {"PEER": peer_supporter.pk, "MEMBER2": member2.pk}.get(v, v) for k, v in data.items()
    }
    response = login(member).post(SHARING, data)
    assert response.status_code == 422
    assert not ConsentGrant.objects.exists()
    # What they chose stays chosen.
    if data.get("scope") == "measure_trends":
        assert 'value="measure_trends" selected' in response.content.decode()


def test_someone_elses_team_member_cannot_be_chosen(login, care_team, member2, peer_supporter):
    response = login(member2).post(
        SHARING, {"grantee": peer_supporter.pk, "scope": grants.MEASURE_TRENDS}
    )
    assert response.status_code == 422
    assert not ConsentGrant.objects.exists()


@pytest.mark.parametrize(
    "persona", ["anonymous", "member2", "peer_supporter", "staff"], indirect=True
)
def test_only_the_member_can_stop_a_grant(login, care_team, member, peer_supporter, persona):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    response = login(persona).post(f"/my/care/sharing/{grant.pk}/stop/")
    assert response.status_code == (302 if persona is None else 404)
    assert grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)


def test_stopping_needs_a_post(login, care_team, member, peer_supporter):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    assert login(member).get(f"/my/care/sharing/{grant.pk}/stop/").status_code == 405


# --- What a grantee sees --------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["member2", "peer_supporter", "facilitator", "therapist", "therapist2", "moderator", "staff"],
    indirect=True,
)
def test_without_a_grant_nobody_sees_the_shared_page(login, care_team, member, phq9, persona):
    forbidden = login(persona).get(shared_url(member))
    missing = login(persona).get("/my/care/shared/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert "phq9" not in forbidden.content.decode().lower()


def test_anonymous_is_sent_to_log_in_from_the_shared_page(client, care_team, member):
    assert client.get(shared_url(member)).status_code == 302


def test_with_a_grant_the_supporter_sees_the_chart_and_nothing_else(
    login, care_team, member, peer_supporter, facilitator, phq9
):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    page = login(peer_supporter).get(shared_url(member)).content.decode()
    assert 'class="measure-chart"' in page and "PHQ-9" in page
    for other in ("Treatment plan goals", "Groups attended", "Safety plan"):
        assert other not in page
    # Results link nowhere: the single responses stay the member's.
    assert "/measures/results/" not in page
    assert login(facilitator).get(shared_url(member)).status_code == 404
    assert AuditEvent.objects.filter(event=grants.USED_EVENT, actor_id=peer_supporter.pk).exists()


def test_after_revocation_the_shared_page_is_gone(login, care_team, member, peer_supporter, phq9):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    client = login(peer_supporter)
    assert client.get(shared_url(member)).status_code == 200
    consent_actions.do_revoke_grant(member, grant.pk)
    assert client.get(shared_url(member)).status_code == 404
    assert "member_maya" not in client.get(SHARED).content.decode()


def test_the_who_looked_page_shows_each_look(
    login, care_team, member, member2, peer_supporter, phq9
):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    login(peer_supporter).get(shared_url(member))
    page = login(member).get(LOG).content.decode()
    assert "peer_priya" in page and "Looked at" in page and "You shared with peer_priya" in page
    assert "peer_priya" not in login(member2).get(LOG).content.decode()


# --- Suggestions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["member2", "facilitator", "therapist2", "moderator", "staff", "member"],
    indirect=True,
)
def test_only_carers_can_open_the_suggest_page(login, care_team, member, persona):
    # facilitator is on the team but suggests therapy only as a peer supporter: the
    # facilitator role implies it, so they may; everyone else may not.
    response = login(persona).get(suggest_url(member))
    expected = 200 if persona is not None and persona.handle == "facil_frank" else 404
    assert response.status_code == expected


def test_anonymous_is_sent_to_log_in_from_the_suggest_page(client, care_team, member):
    assert client.get(suggest_url(member)).status_code == 302


def test_a_therapist_suggests_a_group(login, care_team, member, therapist):
    client = login(therapist)
    assert client.get(suggest_url(member)).status_code == 200
    response = client.post(
        suggest_url(member), {"kind": "group", "url": "/groups/3/", "title": "Anxiety circle"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.author, referral.member, referral.url) == (therapist, member, "/groups/3/")


def test_a_bad_suggestion_is_a_form_error_that_keeps_the_input(login, care_team, member, therapist):
    response = login(therapist).post(
        suggest_url(member), {"kind": "group", "url": "https://x.example/", "title": "Circle"}
    )
    assert response.status_code == 422
    assert 'value="Circle"' in response.content.decode()
    assert not Referral.objects.exists()
    wrong_kind = login(therapist).post(suggest_url(member), {"kind": "therapy", "title": "T"})
    assert wrong_kind.status_code == 422


def test_a_peer_supporter_suggests_therapy(login, care_team, member, peer_supporter):
    response = login(peer_supporter).post(suggest_url(member), {"kind": "therapy"})
    assert response.status_code == 302
    assert Referral.objects.get().url == "/guide/"


@pytest.mark.parametrize("persona", ["anonymous", "member2", "therapist"], indirect=True)
@pytest.mark.parametrize("verb", ["accept", "dismiss"])
def test_only_the_member_answers_a_suggestion(login, care_team, member, therapist, persona, verb):
    referral = actions.do_refer(therapist, member.pk, kind="space", url="/spaces/x/", title="S")
    response = login(persona).post(f"/my/care/suggestions/{referral.pk}/{verb}/")
    assert response.status_code == (302 if persona is None else 404)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN


def test_the_member_accepts_and_is_taken_there(login, care_team, member, therapist):
    referral = actions.do_refer(therapist, member.pk, kind="space", url="/spaces/x/", title="S")
    client = login(member)
    assert "S" in client.get(SUGGESTIONS).content.decode()
    response = client.post(f"/my/care/suggestions/{referral.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == "/spaces/x/"
    again = client.post(f"/my/care/suggestions/{referral.pk}/dismiss/")
    assert again.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_a_link_planted_before_the_browser_check_is_never_followed(
    login, care_team, member, therapist
):
    # A row written before links were checked as browsers read them.
    referral = Referral.objects.create(
        member=member, author=therapist, kind="space", url="/\t/evil.example/login", title="S"
    )
    client = login(member)
    response = client.post(f"/my/care/suggestions/{referral.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == SUGGESTIONS
    page = client.get(SUGGESTIONS).content.decode()
    assert "evil.example" not in page
    assert client.get("/api/v1/care/referrals").json()[0]["url"] == ""


def test_the_member_dismisses(login, care_team, member, peer_supporter):
    referral = actions.do_refer(peer_supporter, member.pk, kind="therapy")
    response = login(member).post(f"/my/care/suggestions/{referral.pk}/dismiss/")
    assert response.status_code == 302 and response["Location"] == SUGGESTIONS
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DISMISSED


# --- Timeline and query counts -------------------------------------------------------


def test_the_timeline_holds_the_members_own_care(login, care_team, groups, member, member2, phq9):
    groups.attend(member, "Tuesday evening circle")
    page = login(member).get(TIMELINE).content.decode()
    assert "Tuesday evening circle" in page and "PHQ-9 check-in" in page
    assert "Upcoming session with dr_ellis" in page
    other = login(member2).get(TIMELINE).content.decode()
    assert "Tuesday evening circle" not in other and "PHQ-9" not in other


@pytest.mark.parametrize("url", [SHARING, LOG, SUGGESTIONS, TEAM, TIMELINE])
def test_list_pages_do_not_grow_in_queries(
    login,
    care_team,
    member,
    peer_supporter,
    facilitator,
    therapist,
    url,
    django_assert_max_num_queries,
):
    client = login(member)
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    actions.do_refer(therapist, member.pk, kind="space", url="/spaces/x/", title="S")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for scope in grants.SCOPES:
        consent_actions.do_grant(member, facilitator.pk, scope)
        consent_actions.do_grant(member, therapist.pk, scope)
        grants.access_shared(therapist, member.pk, scope)
        actions.do_refer(therapist, member.pk, kind="group", url="/groups/1/", title=scope)
        do_submit_response(member, "gad2", {"q1": 1, "q2": 2})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_shared_list_does_not_grow_in_queries(
    login, team, peer_supporter, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client = login(peer_supporter)

    def sharer(n):
        person = UserFactory(handle=f"sharer_{n}")
        team.add(person, peer_supporter)
        for scope in grants.SCOPES:
            consent_actions.do_grant(person, peer_supporter.pk, scope)

    sharer(0)
    client.get(SHARED)
    with django_assert_max_num_queries(40) as few:
        client.get(SHARED)
    for n in range(1, 6):
        sharer(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(SHARED).content.decode()
    assert all(f"sharer_{n}" in page for n in range(6))


def test_nobody_sees_another_members_grants_or_suggestions(
    login, care_team, member, member2, peer_supporter, therapist
):
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    actions.do_refer(therapist, member.pk, kind="space", url="/spaces/x/", title="Quiet corner")
    assert "may see my safety plan" in login(member).get(SHARING).content.decode()
    assert "Quiet corner" in login(member).get(SUGGESTIONS).content.decode()
    for persona in (member2, peer_supporter, therapist):
        assert "may see my safety plan" not in login(persona).get(SHARING).content.decode()
        assert "Quiet corner" not in login(persona).get(SUGGESTIONS).content.decode()


# --- What the team sees without the member sharing (kindred/care/visibility.py) --------

DEFAULTS = "/my/care/defaults/"


def test_the_team_page_says_what_the_therapist_sees_by_default(login, care_team, member):
    import html

    from kindred.consent.visibility import DEFAULTS as DECLARED
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES

    page = html.unescape(login(member).get(TEAM).content.decode())
    for default in DECLARED:
        assert str(default.label) in page and str(default.why) in page
    # The therapist's row names the default, and no longer claims nothing is seen.
    therapist_row = page.split("dr_ellis</a></strong>")[1].split("</li>")[0]
    assert f'data-default="{THERAPIST_ASSIGNED_QUESTIONNAIRES.key}"' in therapist_row
    assert "You share nothing else with them." in therapist_row
    peer_row = page.split("peer_priya</strong>")[1].split("</li>")[0]
    # A connected peer supporter sees the connection itself, declared like the rest.
    assert 'data-default="peer_supporter.connection"' in peer_row
    assert "You share nothing else with them." in peer_row


def test_the_member_switches_the_default_off_and_the_page_says_so(login, care_team, member):
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES as DEFAULT

    client = login(member)
    response = client.post(DEFAULTS, {"key": DEFAULT.key, "on": "0"})
    assert response.status_code == 302 and response["Location"] == TEAM
    page = client.get(TEAM).content.decode()
    therapist_row = page.split("dr_ellis</a></strong>")[1].split("</li>")[0]
    assert f'data-default="{DEFAULT.key}"' not in therapist_row
    assert 'data-default="therapist.risk_alerts"' in therapist_row
    assert "Switched off." in page and "Switch on again" in page
    client.post(DEFAULTS, {"key": DEFAULT.key, "on": "1"})
    assert "Switched off." not in client.get(TEAM).content.decode()


def test_switching_needs_a_signed_in_post(client, login, member):
    response = client.post(DEFAULTS, {"key": "therapist.assigned_questionnaires", "on": "0"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(member).get(DEFAULTS).status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"key": "therapist.risk_alerts", "on": "0"},
        {"key": "nonsense", "on": "0"},
        {"key": "therapist.assigned_questionnaires", "on": "maybe"},
    ],
)
def test_a_bad_switch_is_a_422_with_a_message(login, member, data):
    response = login(member).post(DEFAULTS, data)
    assert response.status_code == 422
    assert "Choose something you can switch off." in response.content.decode()
    assert not AuditEvent.objects.filter(event="care.default_access_changed").exists()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_person_switches_only_their_own_default(login, persona, member):
    from kindred.consent.models import DefaultAccessOptOut

    login(persona).post(DEFAULTS, {"key": "therapist.assigned_questionnaires", "on": "0"})
    assert list(DefaultAccessOptOut.objects.values_list("member_id", flat=True)) == [persona.pk]
