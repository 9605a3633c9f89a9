"""On a phone on a slow network, a clerk taps 保存 again while the first tap is still being
saved: the measure is saved once. shigan.js does not send the form twice; were it sent
again (a browser's retry, the back button), core.submissions applies its key once. Each
layer is tried alone."""

import datetime
import time

import pytest
from playwright.sync_api import expect

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


def _problem(given):
    return services.problem_create(
        actor=system_actor("test"),
        unit=given["banner"],
        campaign=given["campaign"],
        title="基层报表多",
        source="self_inspection",
        found_on=given["found_on"],
    )


def _measure_form(login, live_server, problem):
    phone = login("banner_editor", width=390, height=844)
    phone.goto(f"{live_server.url}/problems/{problem.pk}/measures/new/")
    phone.get_by_label("措施内容").fill("清理合并各类报表")
    phone.get_by_label("提出日期").fill(datetime.date.today().isoformat())
    return phone


def test_a_second_tap_while_saving_is_not_sent(
    login,
    live_server,
    setting,  # noqa: F811
    slow_saving,
    monkeypatch,
):
    monkeypatch.setattr(submissions, "_key", lambda request: None)  # the page's guard alone
    problem = _problem(setting)
    phone = _measure_form(login, live_server, problem)
    box = phone.get_by_role("button", name="保存", exact=True).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    phone.mouse.click(x, y)
    phone.wait_for_timeout(400)  # the first is being saved
    phone.mouse.click(x, y)  # the second tap (the mouse does not wait for the first)
    expect(phone).to_have_url(f"{live_server.url}/problems/{problem.pk}/")
    phone.get_by_text("清理合并各类报表").first.wait_for()
    assert Measure.objects.filter(problem=problem).count() == 1


def test_a_form_sent_again_is_applied_once(login, live_server, setting):  # noqa: F811
    """The server alone: the same form sent again after its first answer (a browser's retry,
    the back button) is sent where the first led, and saves nothing."""
    problem = _problem(setting)
    phone = _measure_form(login, live_server, problem)
    form = phone.evaluate(
        "Object.fromEntries(new FormData(document.querySelector('textarea[name=text]').form))"
    )
    assert len(form["_submission"]) == 32  # shigan.js keyed the form
    phone.get_by_role("button", name="保存", exact=True).click()
    expect(phone).to_have_url(f"{live_server.url}/problems/{problem.pk}/")
    again = phone.request.post(f"{live_server.url}/problems/{problem.pk}/measures/new/", form=form)
    assert again.ok and again.url == f"{live_server.url}/problems/{problem.pk}/"
    assert "这份表单已经提交过，没有重复保存。" in again.text()
    assert Measure.objects.filter(problem=problem).count() == 1
