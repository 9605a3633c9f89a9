"""Research topics searched by words in their title (indexed, core/search.py), in the ledger."""

import pytest
from django.urls import reverse

from shigan.research import services
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
