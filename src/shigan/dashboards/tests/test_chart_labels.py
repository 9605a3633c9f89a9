"""Issue 14, build point 5: chart labels read at a phone's and a desktop's width. In headless
Chromium, the aspect chart's axis labels say every aspect's full name (wrapped, never cut) and
no two of them overlap; the state donut's slice labels are whole words, not "待..."."""

import pytest

from shigan.campaigns.models import Aspect
from shigan.dashboards.tests.test_browser import setting  # noqa: F401 (the fixture)
from shigan.dashboards.tests.world import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "优化营商环境和作风建设方面存在的突出问题"

TEXTS = """(svg) => Array.from(svg.querySelectorAll("text")).map((t) => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent, anchor: getComputedStyle(t).textAnchor,
          box: [r.left, r.top, r.right, r.bottom]};
})"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("width", [390, 1440])
def test_chart_labels_are_whole_and_do_not_overlap(login, live_server, setting, width):  # noqa: F811
    region, campaign = setting["units"]["region"], setting["campaign"]
    Aspect.objects.filter(campaign=campaign, name="作风建设").update(name=LONG_NAME)
    page = login("office", width=width, height=900, timeout=20000)
    page.goto(
        f"{live_server.url}/dashboards/units/{region.pk}/?campaign={campaign.pk}&as_of={AS_OF}"
    )
    aspect = page.locator('#chart-aspect[data-ready="1"] svg').first
    state = page.locator('#chart-state[data-ready="1"] svg').first
    aspect.wait_for()
    state.wait_for()
    rows = page.evaluate(
        "(url) => fetch(url).then((r) => r.json())",
        page.locator("#chart-aspect").get_attribute("data-url"),
    )["rows"]

    labels = [t for t in aspect.evaluate(TEXTS) if t["anchor"] == "end"]  # the category axis
    assert "".join(t["text"] for t in labels) == "".join(row["name"] for row in rows)
    assert LONG_NAME in "".join(t["text"] for t in labels)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), (a["text"], b["text"])

    words = {t["text"] for t in state.evaluate(TEXTS)}
    assert not any("…" in w or "..." in w for w in words)
    for name in ("待整改", "整改中", "已销号"):
        assert name in words
