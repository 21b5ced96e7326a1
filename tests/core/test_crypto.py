import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from kindred.core import crypto


def test_it_round_trips_text(settings):
    token = crypto.encrypt_text("I felt hopeless on Tuesday")
    assert "hopeless" not in token
    assert crypto.decrypt_text(token) == "I felt hopeless on Tuesday"


def test_each_encryption_differs_so_equal_notes_are_not_linkable():
    assert crypto.encrypt_text("same") != crypto.encrypt_text("same")


def test_it_refuses_text_encrypted_under_an_unknown_key(settings):
    token = crypto.encrypt_text("secret")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token)


def test_old_keys_still_decrypt_after_a_new_primary_is_added(settings):
    old = settings.ENCRYPTION_KEYS[0]
    token = crypto.encrypt_text("from before the rotation")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert crypto.decrypt_text(token) == "from before the rotation"
    rotated = crypto.rotate_token(token)
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]
    assert crypto.decrypt_text(rotated) == "from before the rotation"


def test_a_malformed_key_is_a_configuration_error_that_does_not_echo_it(settings):
    settings.ENCRYPTION_KEYS = ["not-a-key-at-all"]
    with pytest.raises(ImproperlyConfigured) as info:
        crypto.encrypt_text("x")
    assert "not-a-key-at-all" not in str(info.value)


def test_generated_keys_are_valid_fernet_keys():
    Fernet(crypto.generate_key().encode())


def test_it_tells_a_token_under_the_primary_key_from_one_under_an_old_key(settings):
    old = settings.ENCRYPTION_KEYS[0]
    before = crypto.encrypt_text("from before the rotation")
    assert crypto.is_under_primary_key(before)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert not crypto.is_under_primary_key(before)
    assert crypto.is_under_primary_key(crypto.rotate_token(before))
    assert crypto.is_under_primary_key(crypto.encrypt_text("after"))
    assert not crypto.is_under_primary_key("not a token at all")
    assert not crypto.is_under_primary_key("gAAAAABñ")
