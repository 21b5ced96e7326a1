"""The signed-note and addendum triggers let a key rotation re-encrypt them (PostgreSQL).

``kindred rotate_keys`` sets ``kindred.reencrypting`` for its own transaction after
proving that every new ciphertext decrypts to the old plaintext (kindred.core.rotation);
the guard then lets an UPDATE through only if no column but the encrypted ones changed.
Every other UPDATE is refused as before. SQLite's triggers stay as they are: the
rotation lifts them inside its own write transaction there.
"""

from django.db import migrations

_GUARD = """
    CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
    BEGIN
        IF COALESCE(current_setting('kindred.reencrypting', true), '') = 'on'
           AND to_jsonb(NEW) - ARRAY[{columns}]::text[] = to_jsonb(OLD) - ARRAY[{columns}]::text[]
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{message}';
    END;
    $$ LANGUAGE plpgsql;
"""
_REFUSE = """
    CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{message}';
    END;
    $$ LANGUAGE plpgsql;
"""
GUARDS = [
    {
        "function": "clinical_signed_note_immutable",
        "columns": "'content', 'risk_rationale'",
        "message": "signed progress notes are immutable",
    },
    {
        "function": "clinical_addendum_append_only",
        "columns": "'text'",
        "message": "addenda are append-only",
    },
]


def _run(template):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for guard in GUARDS:
                schema_editor.execute(template.format(**guard))

    return run


class Migration(migrations.Migration):
    dependencies = [("clinical", "0002_signed_note_triggers")]

    operations = [migrations.RunPython(_run(_GUARD), _run(_REFUSE))]
