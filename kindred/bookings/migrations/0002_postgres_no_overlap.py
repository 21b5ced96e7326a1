"""PostgreSQL only: no two active bookings of one therapist (or one member) may
overlap in time, not just share a start. SQLite relies on the conditional unique
constraints of 0001 plus the checks in ``do_book`` (its writers are serialised)."""

from django.db import migrations

CONSTRAINTS = (
    ("bookings_no_overlap_therapist", "therapist_id"),
    ("bookings_no_overlap_member", "member_id"),
)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE bookings_booking ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status = 'booked')"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
