"""Key rotation (kindred.core.rotation, ``kindred rotate_keys``): it completes on every
model that holds ciphertext, signed notes and second factors included, loses no
concurrent write, can be run again, and ``--check`` says when an old key may go."""

from __future__ import annotations

import datetime
import decimal
import itertools
import threading
import time
import uuid
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone

from kindred.bookings.models import Booking
from kindred.clinical import actions as clinical
from kindred.clinical.models import NoteAddendum, ProgressNote
from kindred.core import rotation
from kindred.core.crypto import decrypt_text, encrypt_text, is_under_primary_key
from kindred.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from kindred.safety import actions as safety
from kindred.safety.models import Flag
from tests.factories import UserFactory
from tests.testapp.models import Sealed
from tests.totp import totp_code

MARKER = "rotation-marker: I could not sleep again"
SOAP = {"subjective": "Low mood.", "objective": "Tired.", "assessment": "Mild.", "plan": "Walks."}
_serial = itertools.count(1)


# A row for any model, with every encrypted field filled: the suite walks the app registry,
# so a model added later is populated (or the test says it could not be) without a list.
def _value(field: models.Field, n: int) -> Any:
    if isinstance(field, EncryptedDateField):
        return datetime.date(1990, 5, 17)
    if isinstance(field, EncryptedJSONField):
        return {"answer": MARKER, "n": n}
    if isinstance(field, EncryptedTextField):
        return f"{MARKER} {n}"
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        related = field.related_model
        assert isinstance(related, type)
        if related is get_user_model():
            return UserFactory()
        return build(related)
    if field.choices:
        return field.flatchoices[0][0]
    if isinstance(field, models.EmailField):
        return f"p{n}@example.test"
    if isinstance(field, models.URLField):
        return f"https://example.test/{n}"
    if isinstance(field, models.CharField | models.TextField):
        return f"x{n}"[: field.max_length or None]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.FloatField):
        return 1.0
    if isinstance(field, models.IntegerField):
        return 1
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return datetime.time(12)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(minutes=50)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.BinaryField):
        return b"x"
    raise NotImplementedError(f"no test value for {field!r}")


def build(model: type[models.Model]) -> models.Model:
    if model is get_user_model():
        return UserFactory(date_of_birth=datetime.date(1990, 5, 17))
    n = next(_serial)
    values = {}
    for field in model._meta.concrete_fields:
        encrypted = isinstance(field, EncryptedTextField | EncryptedJSONField)
        skip = (
            isinstance(field, models.fields.AutoFieldMixin)
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
            or (not encrypted and (field.has_default() or field.null))
        )
        if not skip:
            values[field.name] = _value(field, n)
    return model._base_manager.create(**values)


def populate_every_sealed_model(therapist: Any, member: Any) -> ProgressNote:
    """A row in every model with ciphertext, a signed note with an addendum, and a TOTP
    authenticator with recovery codes. Returns the signed note."""
    for sealed in rotation.sealed_models():
        if sealed.model is not Authenticator:
            build(sealed.model)
    start = timezone.now() + datetime.timedelta(days=2)
    booking = Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=50),
    )
    note = clinical.do_save_note_draft(
        therapist,
        member,
        fmt="soap",
        content=SOAP,
        risk_level="low",
        risk_rationale="No thoughts of self-harm.",
        booking=booking,
    )
    note = clinical.do_sign_note(therapist, note)
    clinical.do_add_addendum(therapist, note, "Client called: the walks helped.")
    return note


def plaintexts() -> dict[str, list[tuple[Any, ...]]]:
    """What every encrypted field says, read through the ORM (so decrypted)."""
    seen = {}
    for sealed in rotation.sealed_models():
        names = [slot.name for slot in sealed.slots]
        rows = sealed.model._base_manager.order_by("pk").values_list("pk", *names)
        seen[sealed.model._meta.label] = [
            (pk, *(_opened(slot, raw) for slot, raw in zip(sealed.slots, raws, strict=True)))
            for pk, *raws in rows
        ]
    return seen


def _opened(slot: Any, value: Any) -> Any:
    if isinstance(slot, rotation._InJSON):  # ciphertexts inside plain JSON
        return slot.replaced(value, {t: decrypt_text(t) for t in slot.tokens(value)})
    return value


def run_check() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("rotate_keys", "--check", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def run_rotation(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def keys(settings):
    """(new, old): the configured key becomes the old one."""
    return Fernet.generate_key().decode(), settings.ENCRYPTION_KEYS[0]


def _raw(table: str, column: str, pk: Any) -> Any:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotation_completes_on_every_encrypted_model(settings, keys, therapist, member):
    new, old = keys
    note = populate_every_sealed_model(therapist, member)
    totp_secret = generate_totp_secret()
    person = UserFactory()
    totp = TOTP.activate(person, totp_secret).instance
    recovery = RecoveryCodes.activate(person)
    recovery_codes = recovery.get_unused_codes()
    before = plaintexts()
    for sealed in rotation.sealed_models():
        assert sealed.model._base_manager.exists(), f"{sealed.model._meta.label} not populated"

    settings.ENCRYPTION_KEYS = [new, old]
    status, output = run_check()
    assert status == 1
    for sealed in rotation.sealed_models():
        for slot in sealed.slots:
            assert f"{sealed.label(slot)}: " in output
    notes = ProgressNote.objects.count()
    assert f"clinical.ProgressNote.content: {notes} row(s) under an old key" in output
    totps = Authenticator.objects.count()
    assert totps >= 2
    assert f"mfa.Authenticator.data: {totps} row(s) under an old key" in output

    rotated = run_rotation()
    assert f"clinical.ProgressNote.content: {notes} row(s) re-encrypted" in rotated
    assert f"mfa.Authenticator.data: {totps} row(s) re-encrypted" in rotated
    status, output = run_check()
    assert status == 0 and "old keys may go" in output

    settings.ENCRYPTION_KEYS = [new]
    assert plaintexts() == before
    note.refresh_from_db()
    assert note.is_signed and note.content == SOAP
    assert NoteAddendum.objects.get(note=note).text == "Client called: the walks helped."
    totp.refresh_from_db()
    assert is_under_primary_key(totp.data["secret"])
    assert TOTP(totp).validate_code(totp_code(totp_secret, fresh_seconds=1))
    fresh = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(fresh).validate_code(recovery_codes[0])


@pytest.mark.django_db
def test_a_signed_note_still_refuses_every_other_change(settings, keys, therapist, member):
    new, old = keys
    note = populate_every_sealed_model(therapist, member)
    settings.ENCRYPTION_KEYS = [new, old]
    run_rotation()
    altered = encrypt_text('{"subjective": "rewritten"}')
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE clinical_progressnote SET content = %s WHERE id = %s", [altered, note.pk]
        )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE clinical_noteaddendum SET text = %s", [encrypt_text("x")])
    if connection.vendor == "postgresql":
        # The rotation's setting lets only the encrypted columns change.
        with (
            pytest.raises(DatabaseError, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT set_config(%s, 'on', true)", [rotation.REENCRYPTING])
            cursor.execute(
                "UPDATE clinical_progressnote SET risk_level = 'high' WHERE id = %s", [note.pk]
            )
    note.refresh_from_db()
    assert note.content == SOAP and note.risk_level == "low"


@pytest.mark.django_db
def test_a_rerun_continues_and_rewrites_only_rows_under_an_old_key(settings, keys, monkeypatch):
    new, old = keys
    rows = [Sealed.objects.create(label=str(i), body=f"{MARKER} {i}") for i in range(5)]
    settings.ENCRYPTION_KEYS = [new, old]
    real = rotation._rotate_rows
    calls = []

    def interrupted(*args: Any) -> None:
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(args)
        real(*args)

    monkeypatch.setattr(rotation, "_rotate_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rotation.do_rotate_keys(batch_size=2)
    monkeypatch.setattr(rotation, "_rotate_rows", real)
    first = [_raw("testapp_sealed", "body", r.pk) for r in rows]
    assert [is_under_primary_key(t) for t in first] == [True] * 4 + [False]

    report = rotation.do_rotate_keys(batch_size=2)
    assert report["testapp.Sealed.body"].rewritten == 1
    second = [_raw("testapp_sealed", "body", r.pk) for r in rows]
    assert second[:4] == first[:4]
    assert is_under_primary_key(second[4])
    assert rotation.do_rotate_keys()["testapp.Sealed.body"].rewritten == 0
    assert [_raw("testapp_sealed", "body", r.pk) for r in rows] == second


@pytest.mark.django_db
def test_a_value_under_no_key_is_reported_and_left_as_it_is(settings, keys):
    new, old = keys
    readable = Sealed.objects.create(label="ok", body=MARKER)
    lost = Sealed.objects.create(label="lost")
    stranger = Fernet(Fernet.generate_key()).encrypt(b"someone else's").decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE testapp_sealed SET body = %s WHERE id = %s", [stranger, lost.pk])
    settings.ENCRYPTION_KEYS = [new, old]

    status, output = run_check()
    assert status == 1
    assert "testapp.Sealed.body: 1 row(s) under an old key" in output
    assert "testapp.Sealed.body: 1 row(s) under no configured key" in output
    with pytest.raises(CommandError) as refused:
        run_rotation()
    assert refused.value.returncode == 1
    assert _raw("testapp_sealed", "body", lost.pk) == stranger
    assert is_under_primary_key(_raw("testapp_sealed", "body", readable.pk))
    status, output = run_check()
    assert status == 1 and "testapp.Sealed.body: 1 row(s) under an old key" not in output


@pytest.mark.django_db
def test_nothing_is_written_unless_the_plaintext_is_proved_unchanged(settings, keys, monkeypatch):
    new, old = keys
    row = Sealed.objects.create(label="a", body=MARKER)
    stored = _raw("testapp_sealed", "body", row.pk)
    settings.ENCRYPTION_KEYS = [new, old]
    monkeypatch.setattr(rotation, "rotate_token", lambda token: encrypt_text("something else"))
    with pytest.raises(rotation.RotationError):
        rotation.do_rotate_keys()
    assert _raw("testapp_sealed", "body", row.pk) == stored


@pytest.mark.django_db
def test_check_passes_with_one_key_and_no_rows_under_another(keys):
    Sealed.objects.create(label="a", body=MARKER)
    assert run_check()[0] == 0


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rotate_keys", "--batch-size", "0")


# Concurrent writers (PostgreSQL: SQLite's in-memory test database is not shared by threads).


def _resolve_in_thread(moderator: Any, flag: Flag, errors: list[BaseException]) -> threading.Thread:
    def resolve() -> None:
        try:
            safety.do_resolve(moderator, flag, "supported", "Talked; she is safe tonight.")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=resolve)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moment", ["before the lock", "while locked"])
def test_a_moderators_note_written_during_rotation_survives(
    settings, keys, moderator, member, monkeypatch, moment
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    new, old = keys
    flag = Flag.objects.create(subject=member, text=MARKER)
    settings.ENCRYPTION_KEYS = [new, old]
    errors: list[BaseException] = []
    writer = _resolve_in_thread(moderator, flag, errors)
    real_rows = rotation._rows

    def rows(sealed: Any, **kwargs: Any) -> Any:
        if kwargs.get("pks") is None or sealed.model is not Flag:  # not the locked re-read
            return real_rows(sealed, **kwargs)
        if moment == "before the lock":
            # The unlocked scan has seen the old note; the moderator's write commits now.
            writer.start()
            writer.join(timeout=30)
            return real_rows(sealed, **kwargs)
        locked = real_rows(sealed, **kwargs)
        writer.start()
        time.sleep(0.5)
        assert writer.is_alive(), "the moderator's write should wait for the row lock"
        return locked

    monkeypatch.setattr(rotation, "_rows", rows)
    rotation.do_rotate_keys()
    writer.join(timeout=30)
    assert errors == []
    settings.ENCRYPTION_KEYS = [new]
    flag.refresh_from_db()
    assert flag.outcome_note == "Talked; she is safe tonight."
    assert flag.text == MARKER
    assert run_check()[0] == 0
