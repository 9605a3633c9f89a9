"""The light history of the problems already in the ledger is built after the whole `migrate`
that applies this migration (`problems.light_history.light_history_after_migrate`, on
post_migrate), not here: here the live code would meet the schema as it stood at this
migration, and would fail as soon as a later migration adds a field it reads.
`shigan lights_rebuild` does the same by hand."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("problems", "0011_light_history"), ("metrics", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
