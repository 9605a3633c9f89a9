"""Issue 15 point 4: the audit trail becomes several chains (shards), each with its own head,
so that writers never queue on one row. Existing entries and the existing head are shard 0,
whose entries hash exactly as before (see shigan.audit.services.entry_content).

SQLite rebuilds audit_auditentry for the new constraint, which drops the retention triggers:
they are installed again at the end (shigan.audit.guard)."""

from django.conf import settings
from django.db import migrations, models

from shigan.audit.guard import DROP, INSTALL


def reinstall_guard(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)
    for statement in INSTALL.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_keep_entries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditentry',
            options={'ordering': ['-id'], 'verbose_name': '审计记录', 'verbose_name_plural': '审计记录'},
        ),
        migrations.AddField(
            model_name='auditentry',
            name='shard',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='链'),
        ),
        migrations.AddField(
            model_name='audithead',
            name='shard',
            field=models.PositiveSmallIntegerField(default=0, unique=True, verbose_name='链'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.PositiveBigIntegerField(verbose_name='序号'),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('shard', 'seq'), name='audit_entry_shard_seq'),
        ),
        migrations.RunPython(reinstall_guard, reinstall_guard),
    ]
