"""Background jobs: in-process without a broker, progress, failures, scoping, CLI."""

import io

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shigan.core.choices import JobState
from shigan.core.jobs import job_create, job_enqueue
from shigan.core.models import Job
from shigan.orgs.choices import Role
from shigan.orgs.exports import UnitExporter
from shigan.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    # Job messages are written in the language active when the job runs.
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


def sheet(n: int) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["名称", "简称", "类型"])
    for i in range(1, n + 1):
        ws.write_row(i, 0, [f"工作专班{i:04d}", f"专班{i}", "部门"])
    wb.close()
    return buffer.getvalue()


@pytest.fixture
def admin(units, make_user):
    return make_user(Role.ADMIN, units["own"])


def test_settings_run_tasks_in_process_without_a_broker(settings):
    assert settings.REDIS_URL == ""
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_import_job_runs_in_process_and_progress_reaches_total(units, admin):
    seen = []
    job = job_create(
        actor=admin,
        kind="orgs.units.import",
        params={"mode": "all"},
        unit=units["own"],
        upload=sheet(3000),
        upload_name="专班.xlsx",
    )
    from shigan.core import jobs

    original = jobs._progress

    def spy(job):
        report = original(job)

        def wrapped(done, total):
            seen.append((done, total))
            report(done, total)

        return wrapped

    jobs._progress = spy
    try:
        job_enqueue(job)
    finally:
        jobs._progress = original
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert job.total == 3000 and job.done == job.total and job.percent == 100
    assert job.summary["created"] == 3000
    assert seen and seen[-1][0] == seen[-1][1] == 3000
    assert (
        Unit.objects.get_children(units["own"]).filter(name__startswith="工作专班").count() == 3000
    )


def test_failing_job_writes_nothing_and_says_why_in_chinese(units, admin, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("磁盘已满")

    # The units are inserted, then writing their audit entries fails: all must roll back.
    monkeypatch.setattr("shigan.orgs.services.units_bulk.audit_record_many", broken)
    before = Unit.objects.count()
    job = job_create(
        actor=admin,
        kind="orgs.units.import",
        unit=units["own"],
        upload=sheet(20),
        upload_name="专班.xlsx",
    )
    job_enqueue(job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "任务失败，未写入任何数据" in job.message and "磁盘已满" in job.message
    assert Unit.objects.count() == before
    assert Unit.objects.get(pk=units["own"].pk).numchild == units["own"].numchild


def test_refused_import_job_is_failed_with_an_error_report(client, units, admin):
    bad = io.BytesIO()
    wb = xlsxwriter.Workbook(bad, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["名称", "类型"])
    ws.write_row(1, 0, ["办公室", "不知道"])
    wb.close()
    job = job_create(
        actor=admin,
        kind="orgs.units.import",
        unit=units["own"],
        upload=bad.getvalue(),
        upload_name="bad.xlsx",
    )
    job_enqueue(job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "整个文件未导入" in job.message
    client.force_login(admin)
    data = b"".join(client.get(reverse("core:job_result", args=[job.pk])))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [int(rows[1][0]), rows[1][1], rows[1][2]] == [2, "B", "类型"]


def test_jobs_are_private_to_their_creator(client, units, admin, make_user):
    job = job_create(actor=admin, kind="orgs.units.export", params={}, unit=units["own"])
    job_enqueue(job)
    client.force_login(admin)
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 200
    result = client.get(reverse("core:job_result", args=[job.pk]))
    assert result.status_code == 200
    # An export carries personal data: no shared cache (a proxy) may keep it (found by a probe).
    assert "no-store" in result["Cache-Control"] and "private" in result["Cache-Control"]
    assert result["X-Content-Type-Options"] == "nosniff"
    other = make_user(Role.ADMIN, units["own"])
    other.is_superuser = True
    other.save()
    client.force_login(other)
    for name in ("core:job_detail", "core:job_result"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert (
        client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").status_code
        == 404
    )
    assert f"#{job.pk}" not in client.get(reverse("core:job_list")).content.decode()


def test_progress_partial_polls_until_finished(client, units, admin):
    job = job_create(actor=admin, kind="orgs.units.export", params={}, unit=units["own"])
    client.force_login(admin)
    partial = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    job_enqueue(job)
    partial = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "hx-trigger" not in text and "已完成" in text and "下载文件" in text


def test_large_export_from_the_page_runs_as_a_job(client, units, admin, settings):
    settings.SHIGAN_EXPORT_JOB_THRESHOLD = 10
    client.force_login(admin)
    response = client.get(reverse("orgs:unit_export", args=[units["own"].pk, "units", "xlsx"]))
    assert response.status_code == 302
    job = Job.objects.get(created_by=admin)
    assert job.state == JobState.DONE and job.total == Unit.objects.subtree_of(units["own"]).count()


def test_an_export_of_unknown_size_is_sent_at_once(client, units, admin, settings, monkeypatch):
    # An exporter that cannot count its rows (count() is None) was compared with the threshold
    # (None > 10: a TypeError, a 500); it is streamed at once instead.
    monkeypatch.setattr(UnitExporter, "count", lambda self: None)
    settings.SHIGAN_EXPORT_JOB_THRESHOLD = 10
    client.force_login(admin)
    response = client.get(reverse("orgs:unit_export", args=[units["own"].pk, "units", "csv"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert not Job.objects.filter(created_by=admin).exists()


def test_cli_import_and_export_with_a_progress_bar(units, tmp_path, capsys):
    source = tmp_path / "专班.xlsx"
    source.write_bytes(sheet(50))
    call_command("units", "import", str(source), "--under", str(units["child"].pk))
    out = capsys.readouterr().out
    assert "[" in out and "50/50 (100%)" in out and "新增 50" in out
    target = tmp_path / "out.csv"
    call_command("units", "export", "--unit", str(units["child"].pk), "-o", str(target))
    text = target.read_bytes().decode("utf-8-sig")
    assert text.count(",工作专班") == 50
    with pytest.raises(CommandError, match="没有编号"):
        call_command("units", "export", "--unit", "999999999", "-o", str(target))


def test_worker_needs_a_broker():
    with pytest.raises(CommandError, match="REDIS_URL"):
        call_command("worker")


def test_celery_hands_back_the_task_of_a_dead_pool_process_and_sweeps_within_5_minutes(settings):
    from shigan.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    sweep = settings.CELERY_BEAT_SCHEDULE["shigan-jobs-sweep"]
    assert sweep["task"] == "shigan.jobs_sweep"
    every = sweep["schedule"].total_seconds()
    assert settings.SHIGAN_JOB_HEARTBEAT_SECONDS * 3 <= settings.SHIGAN_JOB_STALE_SECONDS
    assert settings.SHIGAN_JOB_STALE_SECONDS + every <= 300


def test_without_a_worker_a_dead_job_is_failed_when_its_owner_looks(client, units, admin):
    import datetime

    from django.utils import timezone

    job = job_create(actor=admin, kind="orgs.units.export", unit=units["own"])
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1
    )
    client.force_login(admin)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert "进程意外中断" in job.message and job.message in page
