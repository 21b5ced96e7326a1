"""Re-encrypt every encrypted column under the first (newest) key.

Procedure: put the new key first in KINDRED_ENCRYPTION_KEYS, keep the old ones
after it, restart, run this command; when it reports zero rows left under old
keys, drop the old keys from the variable.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from kindred.core.crypto import rotate_token
from kindred.core.fields import encrypted_fields

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the primary key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            names = encrypted_fields(model)
            if not names:
                continue
            count = rotate_model(model, names)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted")
        self.stdout.write(f"Done: {total} row(s) re-encrypted.")


def rotate_model(model: Any, names: list[str]) -> int:
    """Rotate raw ciphertexts in place (no decrypt-to-Python round trip, no save signals)."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    pk_col = connection.ops.quote_name(pk.column)
    cols = [model._meta.get_field(n).column for n in names]
    quoted = [connection.ops.quote_name(c) for c in cols]
    done = 0
    last_pk: Any = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            where = f"WHERE {pk_col} > %s " if last_pk is not None else ""
            params = [last_pk] if last_pk is not None else []
            # Identifiers come from model metadata and are quoted; values are parameters.
            select = f"SELECT {pk_col}, {', '.join(quoted)} FROM {table} {where}"  # noqa: S608
            cursor.execute(f"{select}ORDER BY {pk_col} LIMIT {BATCH}", params)
            rows = cursor.fetchall()
            if not rows:
                return done
            for row in rows:
                values = [rotate_token(v) if v is not None else None for v in row[1:]]
                sets = ", ".join(f"{q} = %s" for q in quoted)
                cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk_col} = %s", [*values, row[0]])  # noqa: S608
                done += 1
            last_pk = rows[-1][0]
