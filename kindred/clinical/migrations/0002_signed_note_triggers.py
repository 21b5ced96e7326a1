"""Database-level refusal to change a signed progress note or any addendum.

The actions and the model already refuse; the triggers also stop a raw query,
a script or a future code path that forgets. Every column is covered: once
``signed_at`` is set nothing in the row may change (signing itself is the
UPDATE that sets it, from a row where it was NULL). DELETE is not blocked here:
Django's test flush empties tables with DELETE on SQLite; the model's delete()
and PROTECT foreign keys refuse it in the application.
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER clinical_signed_note_no_update BEFORE UPDATE ON clinical_progressnote "
    "WHEN OLD.signed_at IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'signed progress notes are immutable'); END;",
    "CREATE TRIGGER clinical_addendum_no_update BEFORE UPDATE ON clinical_noteaddendum "
    "BEGIN SELECT RAISE(ABORT, 'addenda are append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS clinical_signed_note_no_update;",
    "DROP TRIGGER IF EXISTS clinical_addendum_no_update;",
]
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION clinical_signed_note_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'signed progress notes are immutable';
    END;
    $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER clinical_signed_note_no_update BEFORE UPDATE ON clinical_progressnote "
    "FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) "
    "EXECUTE FUNCTION clinical_signed_note_immutable();",
    """
    CREATE OR REPLACE FUNCTION clinical_addendum_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'addenda are append-only';
    END;
    $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER clinical_addendum_no_update BEFORE UPDATE ON clinical_noteaddendum "
    "FOR EACH ROW EXECUTE FUNCTION clinical_addendum_append_only();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS clinical_signed_note_no_update ON clinical_progressnote;",
    "DROP FUNCTION IF EXISTS clinical_signed_note_immutable();",
    "DROP TRIGGER IF EXISTS clinical_addendum_no_update ON clinical_noteaddendum;",
    "DROP FUNCTION IF EXISTS clinical_addendum_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("clinical", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
