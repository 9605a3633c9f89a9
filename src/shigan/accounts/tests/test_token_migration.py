"""The migration that gave API tokens a lifetime: a token made before it expires one full
lifetime after the migration ran (not after its creation, which for an old token would be at
once, breaking its scripts without warning at deploy)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0005_system_account")]
AFTER = [("accounts", "0006_apitoken_expires_at")]


def test_existing_tokens_get_a_lifetime_from_the_migration(settings):
    settings.SHIGAN_API_TOKEN_DAYS = 90
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("accounts", "User")
    ApiToken = apps.get_model("accounts", "ApiToken")
    user = User.objects.create(username="old-script-owner")
    token = ApiToken.objects.create(user=user, name="老脚本", key_hash="0" * 64, prefix="sg_x")
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=400))
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    migrated = apps.get_model("accounts", "ApiToken").objects.get(pk=token.pk)
    left = migrated.expires_at - timezone.now()
    assert timedelta(days=89) < left <= timedelta(days=90)
