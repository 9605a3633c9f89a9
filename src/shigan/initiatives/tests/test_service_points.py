"""Service points of a livelihood item (人社服务窗口前移): opened in a unit with a partner,
counted by subtree and date with the points behind the count; bad input changes nothing."""

import datetime

import pytest
from django.urls import reverse

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core.errors import DomainError
from shigan.initiatives.models import ServicePoint
from shigan.initiatives.services import livelihood, service_points
from shigan.metrics.selectors import metric_records, metric_value
from shigan.orgs.choices import Role

pytestmark = pytest.mark.django_db

D = datetime.date
KEY = "initiatives.service_points"


@pytest.fixture
def item(office, campaign, units):
    area = livelihood.livelihood_area_create(actor=office, campaign=campaign, name="促进就业")
    return livelihood.livelihood_item_create(
        actor=office, campaign=campaign, area=area, title="零工市场建设", unit=units["region"],
        listed_on=D(2023, 5, 4),
    )  # fmt: skip


def _open(actor, item, unit, name, day):
    return service_points.service_point_open(
        actor=actor, item=item, name=name, unit=unit, partner="农业银行支行",
        opened_on=day, services="社保卡办理\n就业登记",
    )  # fmt: skip


def test_points_count_by_subtree_and_date(office, editor, item, units, campaign):
    _open(office, item, units["parent"], "锡林浩特人社驿站", D(2023, 5, 10))
    _open(editor, item, units["own"], "阿巴嘎旗人社驿站", D(2023, 6, 1))
    _open(office, item, units["sibling"], "苏尼特左旗人社驿站", D(2023, 5, 20))

    def count(unit, as_of=None):
        return metric_value(
            KEY, unit=unit, campaign=campaign, as_of=as_of, item=item.pk, user=system_actor("test")
        )

    assert (count(units["region"]), count(units["region"], D(2023, 5, 31))) == (3, 2)
    assert (count(units["parent"]), count(units["own"], D(2023, 5, 31))) == (3, 0)
    records = metric_records(
        KEY,
        unit=units["parent"],
        campaign=campaign,
        as_of=D(2023, 5, 31),
        user=system_actor("test"),
    )
    assert sorted(p.name for p in records) == ["苏尼特左旗人社驿站", "锡林浩特人社驿站"]
    assert AuditEntry.objects.filter(action="initiatives.service_point.opened").count() == 3


def test_bad_input_is_refused_and_changes_nothing(office, editor, item, units, make_user):
    _open(office, item, units["own"], "阿巴嘎旗人社驿站", D(2023, 5, 10))
    cases = (
        ("duplicate_name", "name", {"name": "阿巴嘎旗人社驿站"}),
        ("name_required", "name", {"name": " "}),
        ("future_date", "opened_on", {"opened_on": D(2999, 1, 1)}),
    )
    for code, field, change in cases:
        args = {"name": "新网点", "unit": units["own"], "opened_on": D(2023, 5, 10), **change}
        with pytest.raises(DomainError) as error:
            service_points.service_point_open(actor=editor, item=item, **args)
        assert (error.value.code, error.value.field) == (code, field)
    stranger = make_user(Role.EDITOR, units["sibling"])
    with pytest.raises(DomainError) as error:
        _open(stranger, item, units["own"], "越权网点", D(2023, 5, 10))
    assert error.value.code == "forbidden"
    assert ServicePoint.objects.count() == 1


def test_the_item_page_lists_points_and_opens_one(client, office, item, units):
    client.force_login(office)
    url = reverse("initiatives:service_point_create", args=[item.pk])
    form = {"name": "锡林浩特人社驿站", "unit": units["region"].pk, "partner": "建设银行",
            "opened_on": "2023-05-10", "services": "社保卡办理"}  # fmt: skip
    bad = client.post(url, {**form, "name": ""})
    assert bad.status_code == 400 and not ServicePoint.objects.exists()
    assert client.post(url, form).status_code == 302
    page = client.get(item.get_absolute_url()).content.decode()
    assert "锡林浩特人社驿站" in page and "建设银行" in page
    link = reverse("metrics:records", args=[KEY])
    assert f'href="{link}?unit={units["region"].pk}' in page
