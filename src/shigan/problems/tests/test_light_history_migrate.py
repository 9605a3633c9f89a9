"""A ledger that had problems before the light history (problems 0012) gets it built after
the whole `migrate`, by the post_migrate receiver, not inside the migration."""

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate

from shigan.problems.light_history import HISTORY_MIGRATION
from shigan.problems.models import ProblemLightChange


def _migrate_applied(*names):
    loader = MigrationLoader(connection)
    plan = [(loader.get_migration(*name), False) for name in names]
    config = apps.get_app_config("problems")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=plan,
    )


def _history():
    return sorted(
        ProblemLightChange.objects.values_list("problem_id", "day", "from_light", "to_light")
    )


def test_the_history_is_built_after_the_migrate_that_brought_it(problem, calendar):
    built = _history()
    assert built
    ProblemLightChange.objects.all().delete()
    _migrate_applied(("problems", "0013_overdue_index"))
    assert _history() == []  # a later migrate alone does not rebuild
    _migrate_applied(HISTORY_MIGRATION, ("problems", "0013_overdue_index"))
    assert _history() == built
