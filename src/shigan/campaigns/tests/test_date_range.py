"""Issue 16 point 7: a date outside 2000–2100 (9999-12-31) is refused by the API and the form
with a Chinese message naming the field, and nothing is written."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shigan.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def test_api_refuses_a_far_date(office, units):
    api = APIClient()
    api.force_authenticate(office)
    body = {"name": "旗级活动", "root_unit": units["own"].pk, "starts_on": "9999-12-31"}
    response = api.post("/api/campaigns/", body)
    assert response.status_code == 400
    assert "开始日期须在 2000 年 1 月 1 日至 2100 年 12 月 31 日之间" in str(response.json())
    assert not Campaign.objects.filter(name="旗级活动").exists()
    body["starts_on"] = "2100-12-31"  # the last day is in
    assert api.post("/api/campaigns/", body).status_code == 201


def test_form_refuses_a_far_date(client, office, units):
    client.force_login(office)
    response = client.post(
        reverse("campaigns:create"),
        {"name": "旗级活动", "root_unit": units["own"].pk, "starts_on": "1999-12-31"},
    )
    assert response.status_code == 400  # the form again, with its errors
    assert "开始日期须在 2000 年 1 月 1 日至 2100 年 12 月 31 日之间" in response.content.decode()
    assert not Campaign.objects.filter(name="旗级活动").exists()
