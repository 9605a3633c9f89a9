from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from shigan.orgs.models import Unit


class MetricsConfig(AppConfig):
    name = "shigan.metrics"
    label = "metrics"
    verbose_name = _("统计指标")

    def ready(self) -> None:
        # Imported here: they read the models, loaded only now.
        from shigan.core.changes import register_change_tracker
        from shigan.metrics import memberships  # noqa: F401  (declares the unit-tree figures)
        from shigan.metrics.engine import facts_move_subtree, metric_changes, metric_facts_compact
        from shigan.notifications.watch import register_watcher
        from shigan.orgs.signals import unit_moved

        # Each day, the facts of the days past are merged (writes append rows).
        register_watcher("metrics", lambda today: metric_facts_compact(before=today))
        # orgs' writes (roles granted and revoked) change the figures of the records they touch;
        # a moved unit takes its subtree's figures from its old ancestors to its new ones.
        register_change_tracker(metric_changes)

        def move_facts(
            sender: object,
            unit: "Unit",
            old_ancestor_ids: list[int],
            new_ancestor_ids: list[int],
            **kwargs: object,
        ) -> None:
            facts_move_subtree(
                unit=unit, old_ancestor_ids=old_ancestor_ids, new_ancestor_ids=new_ancestor_ids
            )

        unit_moved.connect(move_facts, weak=False, dispatch_uid="metrics.unit_moved")
