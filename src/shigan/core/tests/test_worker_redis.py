"""With REDIS_URL set, jobs go through Redis to a worker: proven against the real Redis."""

import threading
import uuid

import pytest
from celery.signals import task_postrun
from django.db import transaction

from shigan.accounts.system import system_actor
from shigan.core.choices import JobState
from shigan.core.jobs import job_create, job_enqueue
from shigan.core.models import Job
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit
from shigan.orgs.services import unit_create

from .test_jobs import sheet

REDIS = "redis://127.0.0.1:6379/15"


def _forget_connections(app) -> None:
    """Celery caches its producer pool and queues on first use (earlier tests ran it in-process,
    with the in-memory broker): drop them so the new broker and queue take effect."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    # kombu keeps its connection and producer pools in process-wide registries keyed by the
    # broker: the closed ones would be handed out again to the next in-process (eager) job.
    pools.reset()
    app.amqp._producer_pool = None
    app.amqp.__dict__.pop("queues", None)
    app.amqp.__dict__.pop("_queues", None)
    app.amqp.__dict__.pop("default_queue", None)
    app.amqp.__dict__.pop("router", None)
    app.amqp.__dict__.pop("_rtable", None)


@pytest.fixture
def redis_app(settings):
    import redis
    from celery.contrib.testing.worker import start_worker

    from shigan.celery import app

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis 未运行（{REDIS}）：启动 redis-server 后再运行此测试。")
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {k: app.conf[k] for k in keys}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # A queue of this run's own: no message of another run (or test process) reaches it.
    queue = f"shigan-test-{uuid.uuid4().hex}"
    app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=queue)
    _forget_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


@pytest.mark.django_db(transaction=True)
def test_worker_consumes_an_import_job_from_redis(redis_app, make_user):
    finished = threading.Event()

    def done(sender=None, **kwargs):
        finished.set()

    task_postrun.connect(done, weak=False)
    root = unit_create(actor=system_actor("test"), parent=None, name="队列测试单位", kind="other")
    admin = make_user(Role.ADMIN, root)
    with transaction.atomic():
        job = job_create(
            actor=admin,
            kind="orgs.units.import",
            params={"mode": "all"},
            unit=root,
            upload=sheet(50),
            upload_name="专班.xlsx",
        )
        job_enqueue(job)
        # Sent only after commit: the worker must find the row.
        assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    # Wait for the worker's signal rather than polling: on SQLite the test database is shared
    # in memory between threads, and a reader would lock the worker's writes out.
    assert finished.wait(60), "the worker did not run the job within 60 s"
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    root.refresh_from_db()  # treebeard answers "no children" from a stale numchild
    assert root.numchild == 50
    assert Unit.objects.get_children(root).count() == 50
    task_postrun.disconnect(done)
