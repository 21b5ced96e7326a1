import pytest

from kindred.accounts.access import MFARequired, check_role, needs_mfa_setup
from kindred.core.access import NotFound
from kindred.core.roles import Role
from tests.factories import UserFactory


def test_anonymous_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        check_role(AnonymousUser(), Role.MEMBER)


def test_a_member_is_not_a_therapist(member):
    check_role(member, Role.MEMBER)
    with pytest.raises(NotFound):
        check_role(member, Role.THERAPIST)


def test_a_therapist_without_mfa_must_set_it_up(db):
    user = UserFactory(roles=[Role.THERAPIST])
    assert needs_mfa_setup(user)
    with pytest.raises(MFARequired):
        check_role(user, Role.THERAPIST)


def test_a_therapist_with_mfa_passes(therapist):
    assert not needs_mfa_setup(therapist)
    check_role(therapist, Role.THERAPIST)


def test_a_facilitator_is_also_a_peer_supporter(facilitator):
    check_role(facilitator, Role.PEER_SUPPORTER)
    assert facilitator.role_names() == {Role.MEMBER, Role.FACILITATOR, Role.PEER_SUPPORTER}


def test_one_account_can_hold_several_roles(db):
    user = UserFactory(roles=[Role.MEMBER, Role.THERAPIST], mfa=True)
    check_role(user, Role.MEMBER)
    check_role(user, Role.THERAPIST)
