import pytest

from kindred.accounts.actions import do_grant_role, do_revoke_role, do_update_profile
from kindred.accounts.roles import Role
from kindred.audit.models import AuditEvent


def test_granting_a_role_is_audited_once(staff, member):
    assert do_grant_role(staff, member, Role.PEER_SUPPORTER) is True
    assert do_grant_role(staff, member, Role.PEER_SUPPORTER) is False
    events = AuditEvent.objects.filter(event="account.role_granted", target_id=str(member.pk))
    assert [(e.actor_id, e.changes) for e in events] == [(staff.pk, {"role": "peer_supporter"})]
    assert member.has_role(Role.PEER_SUPPORTER)


def test_revoking_a_role_takes_effect_at_once(staff, member):
    do_grant_role(staff, member, Role.PEER_SUPPORTER)
    assert member.has_role(Role.PEER_SUPPORTER)
    assert do_revoke_role(staff, member, Role.PEER_SUPPORTER) is True
    assert not member.has_role(Role.PEER_SUPPORTER)
    assert AuditEvent.objects.filter(event="account.role_revoked").count() == 1


def test_an_unknown_role_is_refused(staff, member):
    with pytest.raises(ValueError):
        do_grant_role(staff, member, "wizard")


def test_profile_updates_audit_field_names_but_never_values(member):
    do_update_profile(member, {"legal_name": "Maya Secret-Surname", "country": "IE"})
    member.refresh_from_db()
    assert member.country == "IE"
    event = AuditEvent.objects.get(event="account.profile_updated")
    assert event.changes == {"fields": ["country", "legal_name"]}
    assert "Secret-Surname" not in str(event.changes)


def test_an_unchanged_profile_writes_nothing(member):
    do_update_profile(member, {"country": member.country})
    assert not AuditEvent.objects.filter(event="account.profile_updated").exists()
