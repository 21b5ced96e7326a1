"""Default crisis resources. Staff edit them in the admin; this only seeds."""

from django.db import migrations

COUNTRIES = [
    (
        "XX",
        "Anywhere",
        "",
        [
            dict(
                name="Find A Helpline",
                description="Free, confidential crisis lines in over 130 countries.",
                website="https://findahelpline.com",
                hours="Directory",
            ),
            dict(
                name="IASP crisis centres",
                description="The International Association for Suicide Prevention's list of crisis centres.",
                website="https://www.iasp.info/crisis-centres-helplines/",
                hours="Directory",
            ),
        ],
    ),
    (
        "US",
        "United States",
        "911",
        [
            dict(
                name="988 Suicide & Crisis Lifeline",
                description="Call or text 988, or chat online.",
                phone="988",
                text="Text 988",
                chat_url="https://988lifeline.org/chat/",
                website="https://988lifeline.org",
            ),
            dict(
                name="Crisis Text Line",
                text="Text HOME to 741741",
                website="https://www.crisistextline.org",
            ),
        ],
    ),
    (
        "GB",
        "United Kingdom",
        "999",
        [
            dict(
                name="Samaritans",
                description="Free from any phone, any time.",
                phone="116 123",
                website="https://www.samaritans.org",
            ),
            dict(
                name="Shout",
                description="Free, confidential text support.",
                text="Text SHOUT to 85258",
                website="https://giveusashout.org",
            ),
            dict(
                name="NHS 111",
                description="Urgent mental-health help in England: call 111 and choose the mental-health option.",
                phone="111",
                website="https://www.nhs.uk/nhs-services/mental-health-services/",
            ),
        ],
    ),
    (
        "IE",
        "Ireland",
        "112 or 999",
        [
            dict(
                name="Samaritans Ireland",
                description="Free from any phone, any time.",
                phone="116 123",
                website="https://www.samaritans.org/ireland/",
            ),
            dict(
                name="Text About It (50808)",
                text="Text HELLO to 50808",
                website="https://text50808.ie",
            ),
        ],
    ),
    (
        "CA",
        "Canada",
        "911",
        [
            dict(
                name="9-8-8 Suicide Crisis Helpline",
                description="Call or text 988.",
                phone="988",
                text="Text 988",
                website="https://988.ca",
            ),
        ],
    ),
    (
        "AU",
        "Australia",
        "000",
        [
            dict(
                name="Lifeline",
                phone="13 11 14",
                text="Text 0477 13 11 14",
                chat_url="https://www.lifeline.org.au/crisis-chat/",
                website="https://www.lifeline.org.au",
            ),
            dict(
                name="Suicide Call Back Service",
                phone="1300 659 467",
                website="https://www.suicidecallbackservice.org.au",
            ),
        ],
    ),
    (
        "NZ",
        "New Zealand",
        "111",
        [
            dict(
                name="Need to talk? 1737",
                description="Call or text 1737 to talk with a trained counsellor.",
                phone="1737",
                text="Text 1737",
                website="https://1737.org.nz",
            ),
            dict(
                name="Lifeline Aotearoa",
                phone="0800 543 354",
                website="https://www.lifeline.org.nz",
            ),
        ],
    ),
]


def seed(apps, schema_editor):
    Country = apps.get_model("safety", "CrisisCountry")
    Line = apps.get_model("safety", "CrisisLine")
    for code, name, emergency, lines in COUNTRIES:
        country, created = Country.objects.get_or_create(
            code=code, defaults={"name": name, "emergency_number": emergency}
        )
        if not created:
            continue
        for position, line in enumerate(lines):
            Line.objects.create(country=country, position=position, **line)


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
