# API tokens get a lifetime. A token made before this migration expires
# SHIGAN_API_TOKEN_DAYS after the migration ran, not after its creation: counted from creation,
# every token older than the lifetime would stop working the moment the upgrade is deployed,
# breaking its scripts with no warning; counted from now, each keeps one full lifetime in which
# the tokens page shows its expiry, so its owner can replace it in time.

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_a_lifetime(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires_at = timezone.now() + timedelta(days=settings.SHIGAN_API_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expires_at)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_system_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.RunPython(give_existing_tokens_a_lifetime, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
    ]
