"""Attachments move to the private storage (they sat in MEDIA_ROOT, which nothing serves, and
their links led nowhere); they are downloaded through a scoped view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import migrations, models

import shigan.core.storage

FIELDS = [("KeyTask", "task_book_file"), ("Milestone", "evidence_file")]


def move_to_private(apps, schema_editor):
    old = FileSystemStorage(location=settings.MEDIA_ROOT)
    for model_name, field in FIELDS:
        model = apps.get_model("initiatives", model_name)
        for row in model.objects.exclude(**{field: ""}).only("pk", field):
            file = getattr(row, field)
            if not old.exists(file.name):
                continue
            with old.open(file.name, "rb") as handle:
                stored = file.storage.save(file.name, handle)
            model.objects.filter(pk=row.pk).update(**{field: stored})
            old.delete(file.name)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0004_service_points"),
    ]

    operations = [
        migrations.AlterField(
            model_name="keytask",
            name="task_book_file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=shigan.core.storage.attachment_storage,
                upload_to="initiatives/task_books/%Y/%m/",
                verbose_name="任务书附件",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="evidence_file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=shigan.core.storage.attachment_storage,
                upload_to="initiatives/milestones/%Y/%m/",
                verbose_name="佐证材料",
            ),
        ),
        migrations.RunPython(move_to_private, migrations.RunPython.noop),
    ]
