"""Referral titles and links join the note in an encrypted field (docs/retention.md).

The column type changes first (varchar to text keeps the values), then each existing
row's plaintext is encrypted in place. Reversing decrypts, then narrows the columns.
Raw SQL, not the historical model: its field would try to decrypt the plaintext.
"""

from django.db import migrations, models

import kindred.core.fields

COLUMNS = ("title", "url")
BATCH = 500


def _convert(convert):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        table = schema_editor.quote_name("care_referral")
        last = 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT id, title, url FROM {table} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                    [last, BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    return
                for pk, title, url in rows:
                    cursor.execute(
                        f"UPDATE {table} SET title = %s, url = %s WHERE id = %s",  # noqa: S608
                        [convert(title), convert(url), pk],
                    )
                last = rows[-1][0]

    return run


def encrypt(value):
    from kindred.core.crypto import encrypt_text

    return encrypt_text(value)


def decrypt(value):
    from kindred.core.crypto import decrypt_text

    return decrypt_text(value)


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [
        migrations.AlterField(model_name="referral", name="title", field=models.TextField()),
        migrations.AlterField(model_name="referral", name="url", field=models.TextField()),
        migrations.RunPython(_convert(encrypt), _convert(decrypt)),
        migrations.AlterField(
            model_name="referral",
            name="title",
            field=kindred.core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="referral",
            name="url",
            field=kindred.core.fields.EncryptedTextField(),
        ),
    ]
