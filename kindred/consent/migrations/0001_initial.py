"""Consent grants and default-access opt-outs move here from the care app.

The tables stay where they are (``care_consentgrant``, ``care_defaultaccessoptout``):
this migration only tells Django's state that the models are now the consent app's
(``care.0005`` removes them from the care app's state), so an existing database
migrates without touching a row. Their content types move with them, keeping their
ids and permissions.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("consentgrant", "defaultaccessoptout")


def _relabel(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=to_label, model=model).exists():
            ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def move_content_types(apps, schema_editor):
    _relabel(apps, "care", "consent")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "consent", "care")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables are created there.
        ("care", "0004_discharge"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="ConsentGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("measure_trends", "My questionnaire results over time"),
                            (
                                "plan_goals",
                                "The goals in my treatment plan (not my therapist's notes)",
                            ),
                            ("group_attendance", "The groups I have attended"),
                            ("safety_plan", "My safety plan"),
                        ],
                        max_length=20,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ended_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("revoked", "You stopped sharing"),
                            ("connection_ended", "The peer connection ended"),
                            ("blocked", "One of you blocked the other"),
                            ("left_group", "You left the group"),
                            ("group_archived", "The group stopped meeting"),
                            ("therapy_ended", "Your therapy ended (no upcoming sessions)"),
                            ("therapy_discharged", "Your therapist ended your therapy"),
                            ("therapy_lapsed", "No session with this therapist for a long time"),
                            ("account_closed", "An account was closed"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "grantee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_grants_received",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_grants_given",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "care_consentgrant",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["grantee", "member", "scope"], name="care_grant_grantee_idx"
                    ),
                    models.Index(fields=["member", "revoked_at"], name="care_grant_member_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("member", "grantee", "scope"),
                        name="care_one_live_grant_per_scope",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DefaultAccessOptOut",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=60)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_default_opt_outs",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "care_defaultaccessoptout",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("member", "key"), name="care_one_opt_out_per_key"
                    )
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
