"""On a phone on a slow network, a clerk taps 保存 again while the first tap is still being
saved: the measure is saved once. shigan.js does not send the form twice; were it sent
twice (the script not loaded yet, a browser's retry), core.submissions applies its key once —
each layer is tried alone."""

import datetime
import time

import pytest

from shigan.accounts.system import system_actor
from shigan.core import submissions
from shigan.problems import services, views
from shigan.problems.models import Measure
from shigan.problems.tests.test_browser import setting  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_saving(monkeypatch):
    """Saving a measure takes a second, as on a slow network (the server still saves it
    when the browser gives up on the answer)."""
    save = services.measure_add

    def slowly(**kwargs):
        time.sleep(1)
        return save(**kwargs)

    monkeypatch.setattr(views.services, "measure_add", slowly)


@pytest.mark.parametrize("layer", ["page", "server"])
def test_a_second_tap_saves_no_second_measure(
    login,
    live_server,
    setting,  # noqa: F811
    slow_saving,
    layer,
    monkeypatch,
):
    if layer == "page":  # the page's guard alone: the server takes no form's key
        monkeypatch.setattr(submissions, "_key", lambda request: None)
    problem = services.problem_create(
        actor=system_actor("test"),
        unit=setting["banner"],
        campaign=setting["campaign"],
        title="基层报表多",
        source="self_inspection",
        found_on=setting["found_on"],
    )
    phone = login("banner_editor", width=390, height=844)
    phone.goto(f"{live_server.url}/problems/{problem.pk}/measures/new/")
    phone.get_by_label("措施内容").fill("清理合并各类报表")
    phone.get_by_label("提出日期").fill(datetime.date.today().isoformat())
    if layer == "server":  # the server alone: the page forgets it sent the form (window
        # listeners in the capture phase run before shigan.js's on the document)
        phone.evaluate(
            "window.addEventListener('submit', e => delete e.target.dataset.submitting, true)"
        )
    box = phone.get_by_role("button", name="保存", exact=True).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    phone.mouse.click(x, y)
    phone.wait_for_timeout(400)  # the first is being saved
    phone.mouse.click(x, y)  # the second tap (the mouse does not wait for the first)
    phone.wait_for_url(f"{live_server.url}/problems/{problem.pk}/")
    phone.get_by_text("清理合并各类报表").first.wait_for()
    assert Measure.objects.filter(problem=problem).count() == 1
