"""A job's owner is told when it ends (issue 18's notice kind core.import): done, a preview to
confirm, or failed with its reason; nobody else is told."""

import io

import pytest
import xlsxwriter
from django.urls import reverse

from shigan.core.jobs import job_create, job_enqueue
from shigan.notifications.models import Notification
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db


def sheet(rows) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    for i, row in enumerate([["名称", "简称", "类型"], *rows]):
        ws.write_row(i, 0, row)
    wb.close()
    return buffer.getvalue()


def run(admin, unit, rows, **params):
    job = job_create(
        actor=admin, kind="orgs.units.import", unit=unit, params=params,
        upload=sheet(rows), upload_name="专班.xlsx",
    )  # fmt: skip
    job_enqueue(job)
    job.refresh_from_db()
    return job


def test_the_owner_hears_of_a_preview_an_import_and_a_failure(
    units, make_user, django_capture_on_commit_callbacks
):
    admin = make_user(Role.ADMIN, units["own"])
    other = make_user(Role.ADMIN, units["own"])
    good = [["工作专班一", "专班一", "部门"]]
    with django_capture_on_commit_callbacks(execute=True):
        preview = run(admin, units["own"], good, dry_run=True)
        done = run(admin, units["own"], good)
        failed = run(admin, units["own"], [["办公室", "", "不知道"]])
    notices = list(Notification.objects.filter(user=admin, kind="core.import").order_by("pk"))
    assert [n.link for n in notices] == [
        reverse("core:job_detail", args=[job.pk]) for job in (preview, done, failed)
    ]
    assert "请查看预览并确认导入" in notices[0].text
    assert notices[1].text == "后台任务“专班.xlsx”已完成。"
    assert "未完成" in notices[2].text and failed.message[:20] in notices[2].text
    assert not Notification.objects.filter(user=other).exists()
