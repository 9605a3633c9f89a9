"""The request id and client address of the request being served, for audit entries.

The actor is always passed to services explicitly; only these two request facts travel in a
context variable (as Wagtail's LogContext does), so that services need not take a request.
"""

import contextvars
from dataclasses import dataclass
from typing import Literal

__all__ = ["RequestContext", "current_request_context", "request_context"]


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "shigan_request_context",
    default=RequestContext(),  # noqa: B039 (frozen, immutable)
)


def current_request_context() -> RequestContext:
    return _current.get()


class request_context:
    def __init__(self, ctx: RequestContext):
        self.ctx = ctx

    def __enter__(self) -> RequestContext:
        self.token = _current.set(self.ctx)
        return self.ctx

    def __exit__(self, *exc: object) -> Literal[False]:
        _current.reset(self.token)
        return False
