"""Participation sheets (import, export, template), aspects and visits exports."""

import io

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shigan.campaigns import services
from shigan.campaigns.exports import AspectExporter, ParticipationExporter
from shigan.campaigns.imports import ParticipationImporter
from shigan.campaigns.models import Participation
from shigan.campaigns.tests.conftest import D
from shigan.core.models import Job

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    wb.close()
    return buffer.getvalue()


def rows_of(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_import_by_name_code_and_path_with_a_near_miss_suggestion(office, batch, units):
    sheet = xlsx(
        [
            ["单位名称", "纳入日期"],
            ["阿巴嘎旗", "2023-04-10"],
            [units["sibling"].division_code, ""],
            ["阿巴嘎期", ""],  # a typo
        ]
    )
    result = ParticipationImporter(actor=office, batch=batch).run(sheet, "a.xlsx")
    assert not result.committed and len(result.errors) == 1
    error = result.errors[0]
    assert error.row == 4 and "您是不是要找“阿巴嘎旗”？" in error.message
    assert not Participation.objects.exists()  # all or nothing
    result = ParticipationImporter(actor=office, batch=batch, mode="valid").run(sheet, "a.xlsx")
    assert result.created == 2 and result.committed
    assert set(Participation.objects.values_list("unit", flat=True)) == {
        units["own"].pk,
        units["sibling"].pk,
    }
    assert Participation.objects.get(unit=units["own"]).enrolled_on == D
    # importing the same sheet again changes nothing
    again = ParticipationImporter(actor=office, batch=batch, mode="valid").run(sheet, "a.xlsx")
    assert again.created == 0 and again.unchanged == 2


def test_import_does_not_take_the_subtree(office, batch, units):
    sheet = xlsx([["单位"], [units["own"].name]])
    ParticipationImporter(actor=office, batch=batch).run(sheet, "a.xlsx")
    assert Participation.objects.count() == 1


def test_export_reimports_unchanged(office, batch, units):
    services.participation_enroll(
        actor=office, batch=batch, units=[units["own"], units["child"]], enrolled_on=D
    )
    exporter = ParticipationExporter(user=office, batch=batch)
    data = exporter.xlsx_bytes()
    rows = rows_of(data)
    assert rows[0][:2] == ["单位", "纳入日期"] and len(rows) == 3
    result = ParticipationImporter(actor=office, batch=batch).run(data, "e.xlsx")
    assert result.errors == [] and result.unchanged == 2


def test_upload_page_office_only_and_runs_as_a_job(
    client, office, campaign, batch, units, make_user, member
):
    url = reverse("campaigns:participation_import", args=[campaign.pk, batch.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(office)
    assert client.get(url).status_code == 200
    upload = io.BytesIO(xlsx([["单位"], ["阿巴嘎旗"], ["苏尼特左旗"]]))
    upload.name = "参学单位.xlsx"
    response = client.post(url, {"file": upload, "mode": "all"})
    assert response.status_code == 302
    job = Job.objects.get(kind="campaigns.participations.import")
    assert job.summary["created"] == 2
    assert Participation.objects.filter(batch=batch).count() == 2
    assert "导入 2 行" in client.get(response["Location"]).content.decode()


def test_template_and_exports_download(client, office, campaign, batch, units, member):
    services.aspect_create(actor=office, campaign=campaign, kind="problem", name="形式主义")
    services.aspect_create(actor=office, campaign=campaign, kind="research", name="基层治理")
    client.force_login(office)
    template = client.get(reverse("campaigns:participation_template", args=[campaign.pk, batch.pk]))
    assert template.status_code == 200
    assert rows_of(b"".join(template))[0][0] == "单位"
    export = client.get(reverse("campaigns:aspect_export", args=[campaign.pk, "xlsx"]))
    rows = rows_of(b"".join(export))
    assert [r[2] for r in rows[1:]] == ["形式主义", "基层治理"]
    assert rows_of(AspectExporter(user=office, campaign=campaign).xlsx_bytes()) == rows
    csv = client.get(reverse("campaigns:participation_export", args=[campaign.pk, batch.pk, "csv"]))
    assert csv.status_code == 200
    client.force_login(member)
    url = reverse("campaigns:participation_template", args=[campaign.pk, batch.pk])
    assert client.get(url).status_code == 403
