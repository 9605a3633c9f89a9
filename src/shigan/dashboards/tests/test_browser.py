"""The dashboard and a briefing in headless Chromium: the campaign office opens the region's
dashboard as of a date, the charts draw from their JSON, a figure opens exactly its problems,
which are filtered by aspect and exported; then a briefing is generated, issued and downloaded.
Screenshots under var/screenshots/."""

import io
import os

import pytest
from docx import Document

from shigan.accounts.system import system_actor
from shigan.conftest import ABAG, ORDOS, REGION, SUNID_LEFT, XILINGOL, division
from shigan.dashboards.tests.world import AS_OF, build_world
from shigan.demo.services import DEMO_PASSWORD
from shigan.orgs.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(demo_accounts):
    from shigan.accounts.services import user_create

    own = division(ABAG)
    child = Unit.objects.get_children(own).first()
    units = {
        "region": division(REGION),
        "parent": division(XILINGOL),
        "own": own,
        "child": child,
        "grandchild": Unit.objects.get_children(child).first(),
        "sibling": division(SUNID_LEFT),
        "unrelated": division(ORDOS),
    }
    guide = user_create(
        actor=system_actor("test"), username="dashboard_guide", password=DEMO_PASSWORD
    )
    return {"units": units, **build_world(units, guide)}


def test_dashboard_drill_down_and_briefing(login, live_server, setting, screenshot_dir):
    region, campaign = setting["units"]["region"], setting["campaign"]
    page = login("office", timeout=20000)  # the campaign office
    page.get_by_role("link", name="工作看板").first.click()
    page.wait_for_url(f"**/dashboards/units/{region.pk}/")
    page.get_by_label("截至日期").fill(AS_OF.isoformat())
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"**as_of={AS_OF.isoformat()}**")
    for chart in ("aspect", "state", "trend"):
        page.locator(f'#chart-{chart}[data-ready="1"] svg').first.wait_for()
    assert page.locator('a[data-figure="border_security_funds"]').inner_text() == "193.7亿元"
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-region.png"), full_page=True)

    page.locator('a[data-figure="self_inspection_problems"]').click()
    page.get_by_text("共 4 条记录").wait_for()
    page.get_by_label("方面").select_option(label="作风建设")
    page.get_by_text("共 3 条记录").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith("作风建设.xlsx")

    page.goto(f"{live_server.url}/briefings/?unit={region.pk}&campaign={campaign.pk}")
    page.get_by_label("截至日期").fill(AS_OF.isoformat())
    page.get_by_role("button", name="生成").click()
    page.get_by_text("已生成简报草稿。").wait_for()
    page.get_by_role("button", name="印发").click()
    page.get_by_text("简报已印发。").wait_for()
    assert page.get_by_text("第一批参学单位检视出2个方面4个问题", exact=False).count() >= 1
    page.screenshot(path=os.path.join(screenshot_dir, "briefing.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word（公文格式）").click()
    with open(download.value.path(), "rb") as file:
        document = Document(io.BytesIO(file.read()))
    assert "193.7亿元" in "".join(p.text for p in document.paragraphs)
