"""The plaintext of encrypted fields never reaches the database."""

import os
import tempfile
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from kindred.core.fields import encrypted_fields
from tests.sealed import assert_sealed
from tests.testapp.models import Sealed

MARKER = "Zebra-Plaintext-Marker-7731 thoughts of self-harm"


def _raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, data FROM testapp_sealed WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_it_stores_ciphertext_and_reads_plaintext():
    row = Sealed.objects.create(label="a", body=MARKER, data={"answers": [3, 2, MARKER]})
    body, data = _raw_row(row.pk)
    assert MARKER not in body and "Zebra" not in data
    fresh = Sealed.objects.get(pk=row.pk)
    assert fresh.body == MARKER
    assert fresh.data == {"answers": [3, 2, MARKER]}


@pytest.mark.django_db
def test_none_stays_none():
    row = Sealed.objects.create(label="empty")
    assert _raw_row(row.pk) == (None, None)
    assert Sealed.objects.get(pk=row.pk).body is None


@pytest.mark.django_db
def test_it_refuses_lookups_on_ciphertext():
    with pytest.raises(FieldError):
        list(Sealed.objects.filter(body__icontains="x"))
    assert Sealed.objects.filter(body__isnull=True).count() == 0


def test_it_lists_a_models_encrypted_fields():
    assert encrypted_fields(Sealed) == ["body", "data"]


@pytest.mark.django_db(transaction=True)
def test_the_plaintext_is_absent_from_the_whole_database():
    Sealed.objects.create(label="file", body=MARKER, data={"note": MARKER})
    needle = b"Zebra-Plaintext-Marker"
    if connection.vendor == "sqlite":
        # Copy the whole database (in-memory in tests) to a file and search its bytes.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "copy.sqlite3")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [path])
            with open(path, "rb") as fh:
                blob = fh.read()
        assert b"testapp_sealed" in blob  # the copy really holds the table
        assert needle not in blob
    else:
        # Every column of every row, cast to text, in PostgreSQL.
        with connection.cursor() as cursor:
            cursor.execute("SELECT t::text FROM testapp_sealed AS t")
            rows = [r[0] for r in cursor.fetchall()]
        assert rows and all("Zebra-Plaintext-Marker" not in r for r in rows)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM testapp_sealed WHERE body LIKE %s OR data LIKE %s",
                ["%Zebra%", "%Zebra%"],
            )
            assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_rotate_keys_reencrypts_every_row_under_the_new_key(settings):
    old_key = settings.ENCRYPTION_KEYS[0]
    rows = [
        Sealed.objects.create(label=str(i), body=f"{MARKER} {i}", data={"i": i}) for i in range(3)
    ]
    Sealed.objects.create(label="nulls")
    before = [_raw_row(r.pk) for r in rows]

    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    # The row of NULLs holds no ciphertext, so nothing in it is rewritten.
    assert "testapp.Sealed.body: 3 row(s) re-encrypted" in out.getvalue()
    assert "testapp.Sealed.data: 3 row(s) re-encrypted" in out.getvalue()

    after = [_raw_row(r.pk) for r in rows]
    assert all(a != b for a, b in zip(after, before, strict=True))
    # The old key can now be dropped: everything reads under the new key alone.
    settings.ENCRYPTION_KEYS = [new_key]
    assert [s.body for s in Sealed.objects.filter(label__in=["0", "1", "2"]).order_by("label")] == [
        f"{MARKER} 0",
        f"{MARKER} 1",
        f"{MARKER} 2",
    ]
    assert Fernet(new_key.encode()).decrypt(after[0][0].encode()).decode() == f"{MARKER} 0"


@pytest.mark.django_db
def test_a_date_of_birth_is_stored_encrypted_and_read_as_a_date():
    from datetime import date

    from kindred.accounts.models import User
    from tests.factories import UserFactory

    user = UserFactory(date_of_birth=date(2011, 7, 23))
    with connection.cursor() as cursor:
        cursor.execute("SELECT date_of_birth FROM accounts_user WHERE id = %s", [user.pk])
        (raw,) = cursor.fetchone()
    assert_sealed(raw, "2011-07-23")
    assert User.objects.get(pk=user.pk).date_of_birth == date(2011, 7, 23)
    assert "date_of_birth" in encrypted_fields(User)
    with pytest.raises(FieldError):
        list(User.objects.filter(date_of_birth__year=2011))


def test_an_encrypted_date_accepts_dates_and_iso_text_only():
    from datetime import date, datetime

    from django.core.exceptions import ValidationError

    from kindred.core.fields import EncryptedDateField

    field = EncryptedDateField()
    assert field.to_python("2011-07-23") == date(2011, 7, 23)
    assert field.to_python(datetime(2011, 7, 23, 9, 30)) == date(2011, 7, 23)
    assert field.to_python("") is None
    with pytest.raises(ValidationError):
        field.to_python("23/07/2011")
