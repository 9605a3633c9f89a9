from django.db import migrations

from shigan.core.search import function_operation


class Migration(migrations.Migration):
    """The tokenizer of indexed search (core/search.py) on PostgreSQL."""

    dependencies = [("core", "0004_job_heartbeat")]

    operations = [function_operation()]
