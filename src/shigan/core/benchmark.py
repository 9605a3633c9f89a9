"""The benchmarks' switch for the audit trail and the data versions (bench/writes.py measures
the same writes with them and without them).

One process-wide switch, read by `audit.services` and `core.versions`. Switching the audit
trail off is refused unless the running process set `SHIGAN_BENCHMARK_ONLY` in its settings
itself: the setting is never read from the environment or from settings.py, so no deployment
can turn it on, and nothing in the product enters the switch.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings

__all__ = ["trail_switched_off", "trail_is_off", "BENCHMARK_SETTING"]

BENCHMARK_SETTING = "SHIGAN_BENCHMARK_ONLY"


class _Switch:
    off = False


def trail_is_off() -> bool:
    """Whether writes skip the audit entry and the data versions (a benchmark's floor)."""
    return _Switch.off


@contextlib.contextmanager
def trail_switched_off() -> Iterator[None]:
    """Benchmarks only: writes record no audit entry and touch no data version, process-wide.
    Raises RuntimeError unless the benchmark-only setting is present."""
    if getattr(settings, BENCHMARK_SETTING, False) is not True:
        raise RuntimeError(
            f"the audit trail may be switched off only by a benchmark ({BENCHMARK_SETTING})"
        )
    _Switch.off = True
    try:
        yield
    finally:
        _Switch.off = False
