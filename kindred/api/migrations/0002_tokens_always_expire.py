from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

import kindred.api.models


def give_every_token_an_end(apps, schema_editor):
    # A token made when "no expiry" was allowed ends API_TOKEN_MAX_AGE_DAYS after it was
    # made, like one made now; one older than that stops working at once.
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=F("created_at") + timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(give_every_token_an_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=kindred.api.models.default_expiry),
        ),
    ]
