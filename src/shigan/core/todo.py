"""待办 (to-do) on the landing page. Apps register a provider in their AppConfig.ready —
fn(user) -> iterable of TodoItem — so that this low layer imports no app above it. Each item's
count must come from the same selector as the list its link opens (the count equals the rows
that list shows); items with nothing to do are left out."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["TodoItem", "register_todo", "todo_items"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    order: int = 100  # decisions waiting on the user first (10s), then their own items


# fn(user): accounts' User, a floor above, which core cannot name
Provider = Callable[[Any], Iterable[TodoItem]]
_PROVIDERS: dict[str, Provider] = {}


def register_todo(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def todo_items(user: Any) -> list[TodoItem]:
    """What waits for the user, most urgent kind first; none when nothing does."""
    items: list[TodoItem] = []
    for name, provider in sorted(_PROVIDERS.items()):
        try:
            items += [item for item in provider(user) if item.count]
        except Exception:  # one app's failure must not take the landing page down
            logger.exception("to-do provider %s failed", name)
    return sorted(items, key=lambda item: (item.order, item.label))
