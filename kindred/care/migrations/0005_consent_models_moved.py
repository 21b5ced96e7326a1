"""Consent grants and default-access opt-outs now belong to the consent app.

State only: the tables stay (the consent models name them in ``db_table``), so no row
changes. See ``kindred/consent/migrations/0001_initial.py``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_discharge"),
        ("consent", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="defaultaccessoptout", name="member"),
                migrations.DeleteModel(name="ConsentGrant"),
                migrations.DeleteModel(name="DefaultAccessOptOut"),
            ],
        ),
    ]
