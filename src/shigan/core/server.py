"""The production WSGI server (gunicorn) that `shigan demo` and `shigan serve` start."""

import os
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from gunicorn.app.base import BaseApplication

__all__ = ["run_server", "default_workers"]


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))


class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
    def __init__(self, application: WSGIHandler, options: dict[str, Any]):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        return self.application


def run_server(*, bind: str, workers: int, threads: int = 4, timeout: int = 120) -> None:
    from shigan.wsgi import application

    _Server(
        application,
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": timeout,
            "accesslog": "-",
            "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        },
    ).run()
