"""Two people editing one person's particulars in headless Chromium (core.edits): the page's
own hidden inputs carry what it showed, so different fields both survive and the same field
changed twice is refused on the second page, with the field named and its input kept."""

import pytest
from playwright.sync_api import expect

from shigan.orgs.choices import PersonRank
from shigan.orgs.models import Person, Unit
from shigan.orgs.services import person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_people_edit_one_person_through_the_page(demo_accounts, login, live_server, system):
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    person = person_create(actor=system, unit=banner, name="巴特尔", rank=PersonRank.COUNTY)
    url = f"{live_server.url}/units/{banner.pk}/people/{person.pk}/edit/"
    a, b = login("office", timeout=30000), login("banner_editor", timeout=30000)

    def save(page, label, value):
        page.get_by_label(label).fill(value)
        page.get_by_role("button", name="保存").click()

    for page in (a, b):
        page.goto(url)
    save(a, "职务", "旗长")
    a.get_by_text("已保存“巴特尔”的信息。").wait_for()
    save(b, "联系电话", "13904791234")
    b.get_by_text("已保存“巴特尔”的信息。").wait_for()
    person.refresh_from_db()
    assert (person.post, person.phone) == ("旗长", "13904791234")

    for page in (a, b):
        page.goto(url)
    save(a, "职务", "旗委书记")
    a.get_by_text("已保存“巴特尔”的信息。").wait_for()
    save(b, "职务", "副旗长")
    b.get_by_text("“职务”已被他人修改为“旗委书记”，请刷新后重新修改。").wait_for()
    expect(b.get_by_label("职务")).to_have_value("副旗长")
    assert Person.objects.get(pk=person.pk).post == "旗委书记"
