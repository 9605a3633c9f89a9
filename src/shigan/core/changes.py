"""Writes on records that apps above follow, told without the writing app knowing them.

An app low in the floors (orgs) wraps a write in `record_changes(Model, ids)` and names the
records it creates; an app above (metrics: its figures count those records) registers a
tracker, `tracker(model, ids)` → a context manager with `created(ids)`, entered around the
same write (`metrics.engine.metric_changes` is one). With no tracker the write just runs.
"""

from collections.abc import Callable, Iterable
from contextlib import ExitStack

__all__ = ["record_changes", "register_change_tracker"]

_trackers: list[Callable] = []


def register_change_tracker(tracker: Callable) -> None:
    if tracker not in _trackers:
        _trackers.append(tracker)


class record_changes:
    """with record_changes(Membership, [pk]) as changes: …change…; changes.created([new_pk])"""

    def __init__(self, model, ids: Iterable = ()):
        self.model = model
        self.ids = list(ids)
        self.stack = ExitStack()
        self.entered: list = []

    def __enter__(self):
        with self.stack as stack:
            self.entered = [stack.enter_context(t(self.model, self.ids)) for t in _trackers]
            self.stack = stack.pop_all()  # left open until __exit__
        return self

    def created(self, ids: Iterable) -> None:
        ids = list(ids)
        for change in self.entered:
            change.created(ids)

    def __exit__(self, exc_type, exc, tb):
        return self.stack.__exit__(exc_type, exc, tb)
