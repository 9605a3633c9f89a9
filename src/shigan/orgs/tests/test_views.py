import pytest
from django.urls import reverse

from shigan.audit.models import AuditEntry
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit
from shigan.orgs.selectors import unit_children

pytestmark = pytest.mark.django_db


def test_search_by_pinyin_initials_finds_xilingol(client, units, make_user):
    client.force_login(make_user(Role.VIEWER, units["region"]))
    response = client.get(reverse("orgs:unit_search"), {"q": "xlglm"})
    assert response.status_code == 200
    assert "锡林郭勒盟" in response.content.decode()


def test_search_is_scoped(client, units, make_user):
    client.force_login(make_user(Role.EDITOR, units["own"]))
    body = client.get(reverse("orgs:unit_search"), {"q": "xlglm"}).content.decode()
    assert "锡林郭勒盟" not in body and "没有找到" in body
    body = client.get(reverse("orgs:unit_search"), {"q": units["child"].name}).content.decode()
    assert units["child"].name in body


def test_search_by_name_fragment(client, units, make_user):
    client.force_login(make_user(Role.VIEWER, units["region"]))
    body = client.get(reverse("orgs:unit_search"), {"q": "乌拉盖"}).content.decode()
    assert "乌拉盖管理区管委会" in body


def test_tree_children_partial_lists_children_in_scope(client, units, make_user):
    client.force_login(make_user(Role.VIEWER, units["parent"]))
    response = client.get(
        reverse("orgs:unit_children", args=[units["parent"].pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert units["own"].name in body and units["sibling"].name in body
    assert "<html" not in body  # a partial, not a page


def test_children_are_paged_with_a_more_button(client, units, make_user):
    user = make_user(Role.VIEWER, units["region"])
    township = Unit.objects.filter(division_level=4).order_by("-numchild").first()
    first, more = unit_children(user=user, unit=township, limit=10)
    rest, _ = unit_children(user=user, unit=township, offset=10, limit=1000)
    assert more and len(first) == 10
    assert len(first) + len(rest) == township.numchild
    assert {u.pk for u in first}.isdisjoint({u.pk for u in rest})


def test_children_partial_of_a_unit_out_of_scope_is_404(client, units, make_user):
    client.force_login(make_user(Role.VIEWER, units["own"]))
    response = client.get(reverse("orgs:unit_children", args=[units["sibling"].pk]))
    assert response.status_code == 404


def test_admin_creates_a_department_through_the_page(client, units, make_user):
    client.force_login(make_user(Role.ADMIN, units["own"]))
    response = client.post(
        reverse("orgs:unit_create", args=[units["own"].pk]),
        {"name": "阿巴嘎旗委宣传部", "short_name": "", "kind": "department"},
    )
    assert response.status_code == 302
    dept = Unit.objects.get(name="阿巴嘎旗委宣传部")
    assert Unit.objects.get_parent(dept) == units["own"]


def test_bad_input_names_the_field_and_changes_nothing(client, units, make_user):
    client.force_login(make_user(Role.ADMIN, units["own"]))
    before = Unit.objects.count(), AuditEntry.objects.count()
    response = client.post(
        reverse("orgs:unit_create", args=[units["own"].pk]), {"name": "", "kind": "department"}
    )
    assert response.status_code == 400
    assert "名称：" in response.content.decode()
    assert (Unit.objects.count(), AuditEntry.objects.count()) == before


def test_move_page_refuses_a_descendant_target(client, units, make_user):
    client.force_login(make_user(Role.ADMIN, units["region"]))
    response = client.post(
        reverse("orgs:unit_move", args=[units["own"].pk]), {"new_parent": units["grandchild"].pk}
    )
    assert response.status_code == 400
    assert "下级单位" in response.content.decode()


def test_membership_page_grants_within_subtree(client, units, make_user):
    client.force_login(make_user(Role.ADMIN, units["own"]))
    make_user(username="newcomer")
    response = client.post(
        reverse("orgs:memberships", args=[units["child"].pk]),
        {"username": "newcomer", "role": "editor"},
    )
    assert response.status_code == 302
    assert client.get(reverse("orgs:memberships", args=[units["parent"].pk])).status_code == 404


def test_breadcrumbs_stop_at_the_scope(client, units, make_user):
    client.force_login(make_user(Role.VIEWER, units["own"]))
    body = client.get(reverse("orgs:unit_detail", args=[units["grandchild"].pk])).content.decode()
    assert units["own"].name in body and units["child"].name in body
    assert "锡林郭勒盟</a>" not in body
