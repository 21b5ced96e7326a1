"""The ApiToken admin: read-only, with an audited revoke action."""

from __future__ import annotations

from kindred.audit.models import AuditEvent

CHANGELIST = "/admin/api/apitoken/"


def test_staff_see_tokens_but_never_a_secret(login, staff, member, make_token):
    _, plaintext = make_token(member, name="maya's script")
    response = login(staff).get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "script" in html
    assert plaintext.split("_", 2)[2] not in html


def test_the_change_page_is_read_only(login, staff, member, make_token):
    token, _ = make_token(member)
    html = login(staff).get(f"{CHANGELIST}{token.pk}/change/").content.decode()
    assert 'name="secret_hash"' not in html
    assert 'name="scopes"' not in html
    assert token.secret_hash in html  # shown, read-only


def test_staff_cannot_add_tokens_in_the_admin(login, staff):
    assert login(staff).get(f"{CHANGELIST}add/").status_code == 403


def test_the_revoke_action_is_audited(login, staff, member, make_token):
    token, _ = make_token(member)
    response = login(staff).post(
        CHANGELIST, {"action": "revoke_tokens", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(event="api.token_revoked")
    assert event.actor_id == staff.pk


def test_members_cannot_reach_the_admin(login, member):
    assert login(member).get(CHANGELIST).status_code == 404
