import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.core.access import NotFound
from kindred.therapy.access import access_profile, is_listed, listed_profiles


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
def test_unverified_profiles_are_visible_only_to_their_therapist_and_staff(
    status, therapist, therapist2, member, moderator, staff, make_profile
):
    profile = make_profile(therapist, status=status)
    assert access_profile(therapist, profile.pk) == profile
    assert access_profile(staff, profile.pk) == profile
    for user in (AnonymousUser(), member, moderator, therapist2):
        with pytest.raises(NotFound):
            access_profile(user, profile.pk)
    assert not listed_profiles().filter(pk=profile.pk).exists()
    assert not is_listed(therapist)


def test_listed_profiles_are_public(therapist, member, make_profile):
    profile = make_profile(therapist)
    assert access_profile(AnonymousUser(), profile.pk) == profile
    assert access_profile(member, profile.pk) == profile
    assert is_listed(therapist)


def test_only_the_therapist_may_write(therapist, therapist2, staff, make_profile):
    profile = make_profile(therapist)
    assert access_profile(therapist, profile.pk, write=True) == profile
    for user in (therapist2, staff, AnonymousUser()):
        with pytest.raises(NotFound):
            access_profile(user, profile.pk, write=True)


def test_missing_and_forbidden_look_the_same(therapist, therapist2, make_profile):
    profile = make_profile(therapist, status="draft")
    with pytest.raises(NotFound) as hidden:
        access_profile(therapist2, profile.pk)
    with pytest.raises(NotFound) as missing:
        access_profile(therapist2, profile.pk + 1000)
    assert str(hidden.value) == str(missing.value)


def test_a_lapsed_licence_is_not_listed_even_before_the_sweep(therapist, make_profile):
    profile = make_profile(therapist)
    after = profile.licence_expires_on.toordinal() + 1
    from datetime import date

    assert not listed_profiles(date.fromordinal(after)).filter(pk=profile.pk).exists()


def test_a_deactivated_therapist_is_not_listed(therapist, make_profile):
    make_profile(therapist)
    therapist.is_active = False
    therapist.save()
    assert not is_listed(therapist)
    assert not is_listed(None)
