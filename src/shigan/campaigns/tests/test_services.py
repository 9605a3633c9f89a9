import datetime

import pytest

from shigan.audit.models import AuditEntry
from shigan.campaigns import services
from shigan.campaigns.models import Participation
from shigan.core.errors import DomainError
from shigan.orgs.choices import Role
from shigan.orgs.models import Unit

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 4, 10)


@pytest.fixture
def office(units, make_user):
    return make_user(Role.ADMIN, units["region"])


@pytest.fixture
def campaign(office, units):
    return services.campaign_create(
        actor=office, name="学习贯彻主题教育", root_unit=units["region"], starts_on=D
    )


def test_only_the_campaign_office_sets_up(units, make_user, campaign):
    editor = make_user(Role.EDITOR, units["region"])
    with pytest.raises(DomainError):
        services.batch_create(actor=editor, campaign=campaign, name="第一批", starts_on=D)


def test_enrolment_does_not_take_the_subtree_unless_asked(office, campaign, units):
    batch = services.batch_create(actor=office, campaign=campaign, name="第一批", starts_on=D)
    services.participation_enroll(actor=office, batch=batch, units=[units["own"]], enrolled_on=D)
    assert Participation.objects.filter(batch=batch).count() == 1
    services.participation_enroll(
        actor=office, batch=batch, units=[units["own"]], enrolled_on=D, include_subtree=True
    )
    assert Participation.objects.filter(batch=batch).count() == (
        Unit.objects.subtree_of(units["own"]).count()
    )


def test_aspects_are_ordered_renamable_and_unique(office, campaign):
    a = services.aspect_create(actor=office, campaign=campaign, kind="research", name="基层治理")
    b = services.aspect_create(actor=office, campaign=campaign, kind="research", name="安全生产")
    assert (a.ordinal, b.ordinal) == (1, 2)
    services.aspect_reorder(
        actor=office, campaign=campaign, kind="research", ordered_ids=[b.pk, a.pk]
    )
    a.refresh_from_db()
    assert a.ordinal == 2
    with pytest.raises(DomainError) as exc:
        services.aspect_rename(actor=office, aspect=a, name="安全生产")
    assert exc.value.code == "duplicate_name"


def test_guidance_members_see_exactly_their_assigned_units(office, campaign, units, make_user):
    group = services.guidance_group_create(actor=office, campaign=campaign, name="第一巡回指导组")
    member = make_user()
    services.guidance_group_add_member(actor=office, group=group, user=member)
    services.guidance_group_assign(actor=office, group=group, units=[units["own"]])
    visible = Unit.objects.restrict(member, "view")
    assert visible.filter(pk=units["grandchild"].pk).exists()
    assert not visible.filter(pk=units["sibling"].pk).exists()
    assert not visible.filter(pk=units["parent"].pk).exists()
    assert Unit.objects.restrict(member, "review").filter(pk=units["own"].pk).exists()
    assert not Unit.objects.restrict(member, "record").exists()


def test_visits_only_by_members_and_only_to_assigned_units(office, campaign, units, make_user):
    group = services.guidance_group_create(actor=office, campaign=campaign, name="第二巡回指导组")
    member, outsider = make_user(), make_user()
    services.guidance_group_add_member(actor=office, group=group, user=member)
    services.guidance_group_assign(actor=office, group=group, units=[units["own"]])
    visit = services.guidance_visit_log(
        actor=member, group=group, unit=units["child"], visited_on=D, purpose="research"
    )
    assert AuditEntry.objects.filter(action="campaigns.visit.logged", target_id=str(visit.pk))
    with pytest.raises(DomainError) as exc:
        services.guidance_visit_log(
            actor=outsider, group=group, unit=units["own"], visited_on=D, purpose="research"
        )
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError) as exc:
        services.guidance_visit_log(
            actor=member, group=group, unit=units["sibling"], visited_on=D, purpose="research"
        )
    assert exc.value.code == "unit_not_assigned"


def test_participation_remove_is_audited_and_office_only(office, campaign, units, make_user):
    batch = services.batch_create(actor=office, campaign=campaign, name="第一批", starts_on=D)
    services.participation_enroll(
        actor=office, batch=batch, units=[units["own"]], enrolled_on=D, include_subtree=True
    )
    participation = Participation.objects.get(batch=batch, unit=units["own"])
    editor = make_user(Role.EDITOR, units["region"])
    with pytest.raises(DomainError) as exc:
        services.participation_remove(actor=editor, participation=participation)
    assert exc.value.code == "forbidden"
    services.participation_remove(actor=office, participation=participation)
    remaining = Participation.objects.filter(batch=batch)
    assert not remaining.filter(unit=units["own"]).exists()
    assert remaining.filter(unit=units["child"]).exists()  # the subtree's own enrolments stay
    entry = AuditEntry.objects.get(action="campaigns.participation.removed")
    assert entry.before["unit"] == units["own"].pk


def test_group_member_removal_and_unassignment_end_the_sight(office, campaign, units, make_user):
    group = services.guidance_group_create(actor=office, campaign=campaign, name="第三巡回指导组")
    member = make_user()
    services.guidance_group_add_member(actor=office, group=group, user=member)
    services.guidance_group_assign(
        actor=office, group=group, units=[units["own"], units["sibling"]]
    )
    services.guidance_group_unassign(actor=office, group=group, unit=units["sibling"])
    assert not Unit.objects.restrict(member, "view").filter(pk=units["sibling"].pk).exists()
    assert Unit.objects.restrict(member, "view").filter(pk=units["own"].pk).exists()
    with pytest.raises(DomainError) as exc:
        services.guidance_group_unassign(actor=office, group=group, unit=units["sibling"])
    assert exc.value.code == "not_assigned"
    services.guidance_group_remove_member(actor=office, group=group, user=member)
    assert not Unit.objects.restrict(member, "view").exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"campaigns.group.unassigned", "campaigns.group.member_removed"} <= actions
