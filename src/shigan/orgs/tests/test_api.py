"""The units and role-grants API: the permission matrix, pagination, filters and error bodies."""

import pytest
from rest_framework.test import APIClient

from shigan.accounts.system import system_actor
from shigan.orgs.choices import Role, UnitKind
from shigan.orgs.models import Membership, Unit
from shigan.orgs.services import membership_grant

pytestmark = pytest.mark.django_db

INSIDE = ("own", "child", "grandchild")
OUTSIDE = ("parent", "sibling", "unrelated")
PLACES = INSIDE + OUTSIDE
CJK = range(0x4E00, 0xA000)


def has_chinese(text: str) -> bool:
    return any(ord(c) in CJK for c in text)


def manage_status(role: str, place: str, ok: int) -> int:
    if place in OUTSIDE:
        return 404  # not visible: never reveal it exists
    return ok if role == Role.ADMIN else 403  # visible, but only an admin may manage


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def member(units, make_user):
    def make(role):
        return make_user(role, units["own"])

    return make


@pytest.fixture
def grantee(make_user):
    return make_user(username="grantee")


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("place", PLACES)
def test_membership_grant_matrix(api, units, member, grantee, role, place):
    api.force_authenticate(member(role))
    response = api.post(
        "/api/memberships/",
        {"username": "grantee", "unit": units[place].pk, "role": Role.VIEWER},
        format="json",
    )
    assert response.status_code == manage_status(role, place, 201), response.json()
    body = response.json()
    granted = Membership.objects.filter(user=grantee, unit=units[place]).exists()
    assert granted == (response.status_code == 201)
    if response.status_code == 201:
        assert body["username"] == "grantee" and body["unit"] == units[place].pk
    else:
        assert body["code"] == {403: "permission_denied", 404: "not_found"}[response.status_code]
        assert has_chinese(body["detail"])


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("place", PLACES)
def test_membership_revoke_matrix(api, units, member, grantee, role, place):
    actor = member(role)
    grant = membership_grant(
        actor=system_actor("test"), user=grantee, unit=units[place], role=Role.EDITOR
    )
    api.force_authenticate(actor)
    response = api.delete(f"/api/memberships/{grant.pk}/")
    assert response.status_code == manage_status(role, place, 204)
    assert Membership.objects.filter(pk=grant.pk).exists() == (response.status_code != 204)


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("place", PLACES)
def test_membership_read_matrix(api, units, member, grantee, role, place):
    grant = membership_grant(
        actor=system_actor("test"), user=grantee, unit=units[place], role=Role.EDITOR
    )
    api.force_authenticate(member(role))
    detail = api.get(f"/api/memberships/{grant.pk}/")
    listed = api.get("/api/memberships/?username=grantee&page_size=500")
    ids = {row["id"] for row in listed.json()["results"]}
    if place in INSIDE:
        assert detail.status_code == 200 and detail.json()["role"] == Role.EDITOR
        assert grant.pk in ids
    else:
        assert detail.status_code == 404 and detail.json()["code"] == "not_found"
        assert grant.pk not in ids


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("place", PLACES)
def test_unit_children_and_search_matrix(api, units, member, role, place):
    api.force_authenticate(member(role))
    unit = units[place]
    children = api.get(f"/api/units/{unit.pk}/children/")
    search = api.get(f"/api/units/{unit.pk}/search/", {"q": unit.name[:2]})
    if place in OUTSIDE:
        assert children.status_code == search.status_code == 404
        return
    assert children.status_code == 200
    expected = list(Unit.objects.get_children(unit).values_list("pk", flat=True)[:50])
    assert [row["id"] for row in children.json()["results"]] == expected
    assert all(row["parent_id"] == unit.pk for row in children.json()["results"])
    assert search.status_code == 200
    assert unit.pk in [row["id"] for row in search.json()]


def test_search_stays_in_the_subtree_and_knows_pinyin(api, units, member):
    api.force_authenticate(member(Role.VIEWER))
    own, child = units["own"], units["child"]
    by_initials = api.get(f"/api/units/{own.pk}/search/", {"q": own.initials[:3]}).json()
    assert own.pk in [row["id"] for row in by_initials]
    # Searching under the child finds nothing of its parent.
    rows = api.get(f"/api/units/{child.pk}/search/", {"q": own.name[:2], "limit": 50}).json()
    assert own.pk not in [row["id"] for row in rows]
    assert all(Unit.objects.get(pk=row["id"]).path.startswith(child.path) for row in rows)


def test_search_needs_a_query(api, units, member):
    api.force_authenticate(member(Role.VIEWER))
    response = api.get(f"/api/units/{units['own'].pk}/search/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "required" and body["field"] == "q"
    assert "名称或拼音首字母" in body["detail"]


def test_anonymous_gets_401_in_chinese(api, units):
    for url in ("/api/units/", f"/api/units/{units['own'].pk}/", "/api/memberships/"):
        response = api.get(url)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "not_authenticated" and has_chinese(body["detail"])
        assert response["WWW-Authenticate"] == "Token"


def test_unknown_api_url_is_a_json_404(api, member):
    api.force_authenticate(member(Role.VIEWER))
    response = api.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_grant_validation_errors_name_the_field(api, units, member, grantee):
    api.force_authenticate(member(Role.ADMIN))
    response = api.post(
        "/api/memberships/", {"username": "grantee", "unit": units["own"].pk, "role": "boss"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_choice" and body["field"] == "role"
    assert "角色" in body["detail"] and has_chinese(body["detail"])
    assert "role" in body["errors"]
    unknown = api.post(
        "/api/memberships/", {"username": "nobody", "unit": units["own"].pk, "role": "viewer"}
    ).json()
    assert unknown["field"] == "username" and "nobody" in unknown["detail"]
    assert not Membership.objects.filter(user=grantee).exists()


def test_domain_errors_keep_their_code(api, units, member, grantee):
    api.force_authenticate(member(Role.ADMIN))
    data = {"username": "grantee", "unit": units["child"].pk, "role": "viewer"}
    assert api.post("/api/memberships/", data).status_code == 201
    again = api.post("/api/memberships/", data)
    assert again.status_code == 400 and again.json()["code"] == "duplicate_membership"


def test_admin_cannot_revoke_own_admin_role(api, units, member):
    admin = member(Role.ADMIN)
    own_grant = Membership.objects.get(user=admin, unit=units["own"], role=Role.ADMIN)
    api.force_authenticate(admin)
    response = api.delete(f"/api/memberships/{own_grant.pk}/")
    assert response.status_code == 400 and response.json()["code"] == "self_revoke"
    assert Membership.objects.filter(pk=own_grant.pk).exists()


def test_cursor_pagination_walks_a_subtree_once(api, units, make_user):
    top = units["parent"]
    api.force_authenticate(make_user(Role.VIEWER, top))
    seen, pages = [], 0
    url = f"/api/units/?under={top.pk}&page_size=100"
    while url:
        body = api.get(url).json()
        seen.extend(row["id"] for row in body["results"])
        url, pages = body["next"], pages + 1
    expected = list(Unit.objects.subtree_of(top).values_list("pk", flat=True))
    assert len(seen) == len(set(seen)), "a unit appeared on two pages"
    assert seen == expected  # every unit of the subtree, in path order
    assert pages == -(-len(expected) // 100) and len(expected) > 300


def test_cursor_pagination_is_stable_under_inserts(api, units, member):
    api.force_authenticate(member(Role.ADMIN))
    first = api.get(f"/api/units/?under={units['own'].pk}&page_size=5").json()
    # An insert between two requests does not put a unit on two pages (offsets would).
    Unit.objects.add_child(units["child"], instance=Unit(name="新增测试单位", kind=UnitKind.OTHER))
    second = api.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_a_bad_cursor_is_a_404_in_the_common_shape(api, member):
    api.force_authenticate(member(Role.VIEWER))
    body = api.get("/api/units/?cursor=garbage").json()
    assert body["code"] == "not_found" and body["detail"]


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ({"kind": "township"}, lambda u: u.kind == "township"),
        ({"depth": 5}, lambda u: u.depth == 5),
        ({"name": "苏木"}, lambda u: "苏木" in u.name),
        ({"kind": "village", "name": "嘎查"}, lambda u: u.kind == "village" and "嘎查" in u.name),
    ],
)
def test_unit_filters(api, units, make_user, query, check):
    api.force_authenticate(make_user(Role.VIEWER, units["own"]))
    rows = api.get("/api/units/", {**query, "page_size": 500}).json()["results"]
    found = Unit.objects.in_bulk([r["id"] for r in rows])
    assert rows and all(check(u) for u in found.values())
    scope = Unit.objects.subtree_of(units["own"])
    expected = [u.pk for u in scope if check(u)]
    assert [r["id"] for r in rows] == expected[:500]


def test_filter_by_division_code(api, units, make_user):
    api.force_authenticate(make_user(Role.VIEWER, units["parent"]))
    rows = api.get("/api/units/", {"division_code": units["own"].division_code}).json()
    assert [r["id"] for r in rows["results"]] == [units["own"].pk]


def test_filter_under_a_unit_out_of_scope_is_refused(api, units, member):
    api.force_authenticate(member(Role.VIEWER))
    for place in OUTSIDE:
        response = api.get("/api/units/", {"under": units[place].pk})
        assert response.status_code == 400
        body = response.json()
        assert body["field"] == "under" and body["code"] == "invalid_choice"
    depth = api.get("/api/units/", {"depth": "x"}).json()
    assert depth["field"] == "depth" and "“层级”（depth）" in depth["detail"]


def test_patch_validation_names_the_field(api, units, member):
    api.force_authenticate(member(Role.ADMIN))
    response = api.patch(f"/api/units/{units['child'].pk}/", {"kind": "castle"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "kind" and "类型" in body["detail"]
    blank = api.patch(f"/api/units/{units['child'].pk}/", {"name": " "}, format="json").json()
    assert blank["field"] == "name" and has_chinese(blank["detail"])
