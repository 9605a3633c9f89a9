"""Indicator pages: a key task's runner declares an indicator, the project's recorder reports a
value typed with its unit, the key task page shows the sum in the indicator's unit and links
to the reports behind it; bad input is shown on the field and changes nothing; others get
403/404."""

import datetime
import re

import pytest
from django.urls import reverse

from shigan.initiatives.models import Indicator, IndicatorReport
from shigan.initiatives.services import indicators, projects
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def project(task, editor, units):
    return projects.project_create(
        actor=editor, campaign=task.campaign, unit=units["own"], key_task=task,
        name="光伏治沙", kind="energy", approved_on=D(2023, 5, 2),
    )  # fmt: skip


def test_declare_report_and_see_the_sum_with_its_records(client, editor, task, project):
    client.force_login(editor)
    url = reverse("initiatives:indicator_create", args=[task.pk])
    bad = client.post(url, {"name": "新能源并网装机", "measure": "kw", "target": "5万亩"})
    assert bad.status_code == 400 and "不能换算为千瓦" in bad.content.decode()
    assert not Indicator.objects.exists()
    response = client.post(url, {"name": "新能源并网装机", "measure": "kw", "target": "0.1万千瓦"})
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    report_url = reverse("initiatives:indicator_report", args=[project.pk])
    form = {"indicator": indicator.pk, "reported_on": "2023-05-10", "note": ""}
    bad = client.post(report_url, {**form, "value": "abc"})
    assert bad.status_code == 400 and "不是数值" in bad.content.decode()
    for value in ("0.0231万千瓦", "0.3兆瓦"):
        assert client.post(report_url, {**form, "value": value}).status_code == 302
    assert sorted(r.value for r in IndicatorReport.objects.all()) == [231, 300]
    page = client.get(task.get_absolute_url() + "?on=2023-06-07").content.decode()
    link = re.search(r'<a class="figure" href="([^"]+)">531千瓦</a>', page)
    assert link and "1000千瓦" in page  # the sum, and the target
    records = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert records.count("光伏治沙 · 新能源并网装机") == 2
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert "0.0231万千瓦" in project_page and "231千瓦" in project_page


def test_who_may_use_the_indicator_pages(client, editor, task, project, units, make_user):
    indicator = indicators.indicator_declare(
        actor=editor, key_task=task, name="新增造林", measure="mu"
    )
    viewer = make_user(Role.VIEWER, units["own"])
    stranger = make_user(Role.EDITOR, units["sibling"])
    create = reverse("initiatives:indicator_create", args=[task.pk])
    report = reverse("initiatives:indicator_report", args=[project.pk])
    data = {"indicator": indicator.pk, "value": "1", "reported_on": "2023-05-10"}
    for user, status in ((viewer, 403), (stranger, 404)):
        client.force_login(user)
        assert client.get(create).status_code == status
        assert client.post(report, data).status_code == status
    assert not IndicatorReport.objects.exists()
