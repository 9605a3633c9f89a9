"""The village agent takes a petition in on a phone (390 × 844, touch): the petitioner's phone
number gets the phone's dial pad, and the petitioner's personal data is not offered from, nor
saved to, the browser's autofill (it would fill in the agent's own name and number, and keep
the petitioner's on the agent's phone)."""

import pytest
from django.contrib.auth import get_user_model

from shigan.accounts.system import system_actor
from shigan.petitions.services.agents import agent_appoint
from shigan.problems.tests.test_phone_browser import phone, village  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_on_a_phone(phone, live_server, village):  # noqa: F811
    clerk = get_user_model().objects.get(username="gacha_agent")
    agent = agent_appoint(actor=system_actor("test"), user=clerk, unit=village)
    phone.goto(f"{live_server.url}/petitions/new/{agent.pk}/")
    assert phone.get_by_label("联系电话").get_attribute("type") == "tel"
    for label in ("信访人姓名", "身份证号", "联系电话", "住址"):
        assert phone.get_by_label(label).get_attribute("autocomplete") == "off", label
    # against the layout viewport: on a mobile viewport innerWidth grows with a too-wide page
    assert phone.evaluate(
        "document.scrollingElement.scrollWidth <= document.documentElement.clientWidth"
    )
