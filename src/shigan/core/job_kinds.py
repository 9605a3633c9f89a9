"""The kinds of background job, registered by the apps (in their `jobs.py`, found on first use):
what each is called and which handler runs it (`core.jobs` creates and runs the jobs)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from shigan.core.models import Job

__all__ = ["JobKind", "Progress", "register_job_kind", "kind_label", "job_kinds"]

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class JobKind:
    code: str
    label: object
    handler: Callable[["Job", Progress], bool]  # True: done; False: refused (message on the job)
    # Run again once when its worker died: the handler writes all or nothing, so a dead run
    # wrote nothing. A kind with effects outside its transaction (mail) says False.
    retry: bool = True


_KINDS: dict[str, JobKind] = {}
_discovered = False


def register_job_kind(
    code: str, label: object, handler: Callable[["Job", Progress], bool], *, retry: bool = True
) -> None:
    _KINDS[code] = JobKind(code, label, handler, retry)


def job_kinds() -> dict[str, JobKind]:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("jobs")
    return _KINDS


def kind_label(code: str) -> str:
    kind = job_kinds().get(code)
    return str(kind.label) if kind else code
