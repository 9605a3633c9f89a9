"""The daily watch registry. Apps register a watcher — fn(today) -> int, the number of items
it marked (turned yellow/red, overdue …) — in their AppConfig.ready; the daily run (Celery beat
task "shigan.watch_daily", the `shigan watch` command, or a "watch" job) calls every one.
A failing watcher is logged and reported; the others still run.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

__all__ = ["register_watcher", "watchers", "watch_run", "WatchReport"]

logger = logging.getLogger(__name__)

Watcher = Callable[[datetime.date], int]
_WATCHERS: dict[str, Watcher] = {}


def register_watcher(name: str, fn: Watcher) -> None:
    _WATCHERS[name] = fn


def watchers() -> dict[str, Watcher]:
    return dict(_WATCHERS)


@dataclass
class WatchReport:
    today: datetime.date
    marked: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.marked.values())


def watch_run(today: datetime.date | None = None, *, only: str | None = None) -> WatchReport:
    """Run every registered watcher (or the one named `only`) for `today`."""
    report = WatchReport(today or timezone.localdate())
    for name, fn in sorted(_WATCHERS.items()):
        if only is not None and name != only:
            continue
        try:
            report.marked[name] = int(fn(report.today) or 0)
        except Exception as exc:  # one app's failure must not stop the others' watch
            logger.exception("watcher %s failed", name)
            report.failed[name] = str(exc)
    return report
