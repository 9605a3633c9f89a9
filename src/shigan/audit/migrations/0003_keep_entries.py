"""Issue 16 retention: the database itself refuses UPDATE and DELETE on audit entries."""

from django.db import migrations

from shigan.audit.guard import DROP, INSTALL


def install(apps, schema_editor):
    for statement in INSTALL.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_rechain_with_hmac")]
    operations = [migrations.RunPython(install, drop)]
