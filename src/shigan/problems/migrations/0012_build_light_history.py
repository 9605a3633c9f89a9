"""Builds the light history of the problems already in the ledger, and the light facts from it
(`problems.light_history.light_history_rebuild`; `shigan lights_rebuild` does the same later)."""

from django.db import migrations


def build(apps, schema_editor):
    # The history is the rule of `problems.lights` applied to the records: the live code, run
    # only when there are problems (a new database has none).
    if not apps.get_model("problems", "Problem").objects.exists():
        return
    # The live code writes as the system account (accounts 0005). A plain `migrate` applies
    # accounts first (plans go by app label); this migration cannot depend on it, as databases
    # that applied it before the account existed would then be inconsistent.
    if "is_system" not in {f.name for f in apps.get_model("accounts", "User")._meta.fields}:
        raise RuntimeError("run `shigan migrate accounts` first: the system account is missing")
    from shigan.accounts.system import system_actor
    from shigan.problems.light_history import light_history_rebuild

    light_history_rebuild(actor=system_actor("migration problems 0012"))


class Migration(migrations.Migration):
    dependencies = [("problems", "0011_light_history"), ("metrics", "0001_initial")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
