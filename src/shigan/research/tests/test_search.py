"""Research topics searched by words in their title (indexed, core/search.py), in the ledger."""

import pytest
from django.urls import reverse

from shigan.research import selectors, services, views
from shigan.research.tests.conftest import D


@pytest.mark.django_db
def test_the_research_ledger_finds_topics_by_words(client, editor, units, campaign, aspect, lead):
    for title in ("牧区基层治理调研", "草原生态保护调研", "基层减负专题调研"):
        services.topic_create(
            actor=editor, unit=units["own"], campaign=campaign, aspect=aspect,
            title=title, lead=lead, created_on=D,
        )  # fmt: skip
    client.force_login(editor)
    url = reverse("research:unit_list", args=[units["own"].pk])
    page = client.get(url, {"campaign": campaign.pk, "q": "基层"}).content.decode()
    assert "牧区基层治理调研" in page and "基层减负专题调研" in page
    assert "草原生态保护调研" not in page
    page = client.get(url, {"campaign": campaign.pk, "q": "生态 调研"}).content.decode()
    assert "草原生态保护调研" in page and "基层减负专题调研" not in page


@pytest.mark.django_db
def test_above_the_cap_topics_come_in_ledger_order_and_page_through_all(
    client, editor, units, campaign, aspect, lead, settings, monkeypatch
):
    for n in range(5):
        services.topic_create(
            actor=editor, unit=units["own"], campaign=campaign, aspect=aspect,
            title=f"基层治理调研{n}", lead=lead, created_on=D,
        )  # fmt: skip
    search = selectors.topic_search(user=editor, unit=units["own"], campaign=campaign, q="基层")
    assert search.hits == 5 and not search.capped  # within the default cap: ranked, counted
    settings.SHIGAN_SEARCH_CAP = 2
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    expected = [t.title for t in selectors.topic_list(user=editor, unit=units["own"])]
    client.force_login(editor)
    url = reverse("research:unit_list", args=[units["own"].pk])
    seen = []
    for number in (1, 2, 3):
        page = client.get(url, {"campaign": campaign.pk, "q": "基层", "page": number})
        html = page.content.decode()
        assert "匹配超过 2 个课题，按台账顺序列出" in html and f"第 {number} 页" in html
        seen += [t for t in expected if f">{t}<" in html]
    assert "下一页" not in html and seen == expected  # ledger order, disjoint, complete
