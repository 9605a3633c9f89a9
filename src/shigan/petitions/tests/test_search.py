"""Petitions searched by words in their 事由 (indexed, core/search.py), within the user's scope."""

import pytest
from django.urls import reverse

from shigan.petitions import selectors, views
from shigan.petitions.tests.conftest import intake


@pytest.mark.django_db
def test_petitions_are_found_by_words_in_their_subject(agents, people, places, client):
    intake(agents["gacha"], title="草场边界纠纷")
    # The same petitioner each time: confirmed as different matters.
    intake(agents["gacha"], title="饮水工程维修", confirm_duplicate=True)
    intake(agents["sumu"], title="草场补贴发放", confirm_duplicate=True)
    leader = people["banner_leader"]
    found = selectors.petition_list(user=leader, unit=places["banner"], q="草场")
    assert sorted(p.title for p in found) == ["草场补贴发放", "草场边界纠纷"]
    gacha_editor = people["gacha_editor"]
    gacha_only = selectors.petition_list(user=gacha_editor, unit=places["gacha"], q="草场")
    assert [p.title for p in gacha_only] == ["草场边界纠纷"]
    client.force_login(leader)
    page = client.get(reverse("petitions:unit_list", args=[places["banner"].pk]), {"q": "饮水"})
    assert "饮水工程维修" in page.content.decode() and "草场边界纠纷" not in page.content.decode()


@pytest.mark.django_db
def test_above_the_cap_petitions_come_in_ledger_order_and_page_through_all(
    agents, people, places, client, settings, monkeypatch
):
    for n in range(3):
        intake(agents["gacha"], title=f"草场纠纷{n}", confirm_duplicate=bool(n))
    leader, banner = people["banner_leader"], places["banner"]
    assert selectors.petition_search(user=leader, unit=banner, q="草场").hits == 3
    settings.SHIGAN_SEARCH_CAP = 1
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    expected = [p.title for p in selectors.petition_list(user=leader, unit=banner)]
    client.force_login(leader)
    seen = []
    for number in (1, 2):
        page = client.get(
            reverse("petitions:unit_list", args=[banner.pk]), {"q": "草场", "page": number}
        )
        html = page.content.decode()
        assert "匹配超过 1 件，按台账顺序列出" in html and f"第 {number} 页" in html
        seen += [t for t in expected if t in html]
    assert "下一页" not in html and seen == expected  # ledger order, disjoint, complete
