"""Builds the light history of the problems already in the ledger, and the light facts from it
(`problems.light_history.light_history_rebuild`; `shigan lights_rebuild` does the same later)."""

from django.db import migrations


def build(apps, schema_editor):
    # The history is the rule of `problems.lights` applied to the records: the live code, run
    # only when there are problems (a new database has none).
    if not apps.get_model("problems", "Problem").objects.exists():
        return
    from shigan.problems.light_history import light_history_rebuild

    light_history_rebuild(actor=None)


class Migration(migrations.Migration):
    dependencies = [("problems", "0011_light_history"), ("metrics", "0001_initial")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
