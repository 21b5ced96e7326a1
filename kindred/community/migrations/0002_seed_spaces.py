"""The spaces every installation starts with. Staff edit or add more in the admin."""

from django.db import migrations

COMMON = """1. **Speak from your own experience.** Share what happened to you and what helped; avoid telling others what they must do.
2. **No diagnoses, no medical advice.** Peers are not clinicians. Encourage professional help where it fits.
3. **Be kind, even when you disagree.** No judgement, no shaming, no "you should be over it by now".
4. **Protect privacy.** Use handles, not names. Don't share anyone's details, including your own.
5. **No details of methods or amounts** of self-harm, suicide or substance use. Use a content warning for difficult topics.
6. **If you are in danger right now, use "Get help now".** This community is not a crisis service; moderators read flagged posts but not every post in real time."""

SPACES = [
    (
        "depression-anxiety",
        "Depression & anxiety",
        "For low mood, worry, panic and everything in between.",
        "adult",
    ),
    (
        "addiction-recovery",
        "Addiction recovery",
        "For people in or thinking about recovery from alcohol, drugs, gambling or other addictions — at any stage.",
        "adult",
    ),
    (
        "chronic-illness-pain",
        "Chronic illness & pain",
        "Living with long-term illness or pain, and what it does to the rest of life.",
        "adult",
    ),
    (
        "grief-loss",
        "Grief & loss",
        "For anyone grieving a person, a relationship, health, or the life they expected.",
        "adult",
    ),
    (
        "caregivers",
        "Caregivers",
        "For people who look after someone else — and need looking after too.",
        "adult",
    ),
    (
        "teen-support",
        "Teen support (13–17)",
        "A space for teenagers only, kept apart from the adult spaces.",
        "teen",
    ),
]


def seed(apps, schema_editor):
    Space = apps.get_model("community", "Space")
    for position, (slug, name, description, band) in enumerate(SPACES):
        Space.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "guidelines": COMMON,
                "age_band": band,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
