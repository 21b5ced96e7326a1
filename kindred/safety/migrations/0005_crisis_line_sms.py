"""Text lines become ``sms:`` links: the number and keyword get fields of their own.

The seeded lines (and any a member of staff wrote the same way) said how to text
them only in words, "Text HOME to 741741", which a phone cannot open. This reads the
number and keyword out of those words. Lines whose wording does not match keep it
and stay plain text until staff fill in the number.
"""

import re

import django.core.validators
from django.db import migrations, models

# "Text 988", "Text HOME to 741741", "Text 0477 13 11 14". Kept here, not imported,
# so the migration means the same thing whatever the app's code later becomes.
TEXT_LINE = re.compile(
    r"^\s*text\s+(?:(?P<keyword>[A-Za-z][A-Za-z0-9-]*)\s+to\s+)?(?P<number>\+?[0-9][0-9 ]*[0-9])\s*$",
    re.IGNORECASE,
)


def parse_text_line(text):
    """``(number, keyword)`` for wording a phone can text, else ``None``."""
    match = TEXT_LINE.match(text or "")
    if match is None:
        return None
    number = "".join(ch for ch in match.group("number") if ch.isdigit() or ch == "+")
    return number, match.group("keyword") or ""


def fill_sms_fields(apps, schema_editor):
    Line = apps.get_model("safety", "CrisisLine")
    for line in Line.objects.filter(sms_number="").exclude(text=""):
        parsed = parse_text_line(line.text)
        if parsed is None:
            continue
        line.sms_number, line.sms_keyword = parsed
        line.save(update_fields=["sms_number", "sms_keyword"])


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0004_flag_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="crisisline",
            name="sms_keyword",
            field=models.CharField(
                blank=True,
                help_text="The word to send first, e.g. HOME; filled into the message.",
                max_length=40,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z0-9][A-Za-z0-9 -]*$", "Letters and digits, e.g. HOME."
                    )
                ],
            ),
        ),
        migrations.AddField(
            model_name="crisisline",
            name="sms_number",
            field=models.CharField(
                blank=True,
                help_text="The number to text, e.g. 741741. Empty: the line takes no texts.",
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\+?[0-9][0-9 ]*$", "Digits only, e.g. 741741."
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="crisisline",
            name="text",
            field=models.CharField(
                blank=True,
                help_text="How to text the line, as shown, e.g. 'Text SHOUT to 85258'. With an SMS number below it becomes a link that opens the phone's messages; left empty, it is written from the number and keyword.",
                max_length=80,
            ),
        ),
        migrations.RunPython(fill_sms_fields, migrations.RunPython.noop),
    ]
