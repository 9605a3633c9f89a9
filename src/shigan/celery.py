"""The Celery app. With REDIS_URL set, `shigan worker` consumes the tasks; without it (the
embedded default) tasks run in-process when they are sent (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigan.settings")

app = Celery("shigan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

__all__ = ["app"]
