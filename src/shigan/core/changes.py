"""Writes on records that apps above follow, told without the writing app knowing them.

An app low in the floors (orgs) wraps a write in `record_changes(Model, ids)` and names the
records it creates; an app above (metrics: its figures count those records) registers a
tracker, `tracker(model, ids)` → a context manager with `created(ids)`, entered around the
same write (`metrics.engine.metric_changes` is one). With no tracker the write just runs.
`create_tracked` is the commonest such write, one record created; services of every floor use it.
"""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from types import TracebackType
from typing import Any, Protocol, TypeVar

from django.db.models import Model

__all__ = ["create_tracked", "record_changes", "register_change_tracker"]

M = TypeVar("M", bound=Model)


class ChangeSet(Protocol):
    """What a tracker's context manager yields: it is told the ids of the records created."""

    def created(self, ids: list[int]) -> None: ...


Tracker = Callable[[type[Model], list[int]], AbstractContextManager[ChangeSet]]
_trackers: list[Tracker] = []


def register_change_tracker(tracker: Tracker) -> None:
    if tracker not in _trackers:
        _trackers.append(tracker)


class record_changes:
    """with record_changes(Membership, [pk]) as changes: …change…; changes.created([new_pk])"""

    def __init__(self, model: type[Model], ids: Iterable[int] = ()):
        self.model = model
        self.ids = list(ids)
        self.stack = ExitStack()
        self.entered: list[ChangeSet] = []

    def __enter__(self) -> "record_changes":
        with self.stack as stack:
            self.entered = [stack.enter_context(t(self.model, self.ids)) for t in _trackers]
            self.stack = stack.pop_all()  # left open until __exit__
        return self

    def created(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        for change in self.entered:
            change.created(ids)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return self.stack.__exit__(exc_type, exc, tb)


def create_tracked(model: type[M], /, **fields: Any) -> M:
    """`model.objects.create(**fields)`, the trackers told of the new record (metrics counts it
    in its figures)."""
    with record_changes(model) as changes:
        record = model._default_manager.create(**fields)
        changes.created([record.pk])
    return record
