from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "shigan.metrics"
    label = "metrics"
    verbose_name = _("统计指标")

    def ready(self):
        from shigan.metrics.engine import metric_facts_compact
        from shigan.notifications.watch import register_watcher

        # Each day, the facts of the days past are merged (writes append rows).
        register_watcher("metrics", lambda today: metric_facts_compact(before=today))
