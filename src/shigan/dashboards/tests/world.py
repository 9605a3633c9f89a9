"""A small campaign entered through the services, with every kind of record the figure
catalogue counts, and the figures it must give as of AS_OF (counted by hand below).

Around the region (root): batch 1 enrols 锡林郭勒盟 (parent), 阿巴嘎旗 (own) and 苏尼特左旗
(sibling) on 2023-04-10, and 鄂尔多斯市 (unrelated) only on 2023-06-01 — after AS_OF, so its
records do not count for the batch as of AS_OF but do today. The child of 阿巴嘎旗 is not
enrolled: its records count for the subtree, never for the batch.
"""

import datetime
from decimal import Decimal

from shigan.accounts.system import system_actor
from shigan.campaigns import services as campaigns
from shigan.campaigns.choices import AspectKind
from shigan.initiatives.services import indicators, key_tasks, livelihood, projects
from shigan.orgs.choices import PersonRank
from shigan.orgs.services import person_create
from shigan.problems import services as problems
from shigan.problems.choices import ProblemSource, ProblemState
from shigan.research import services as research
from shigan.study import services as study

D = datetime.date
START = D(2023, 4, 1)
AS_OF = D(2023, 5, 31)
LATE = D(2023, 6, 5)  # after AS_OF: only "today" figures see it

# What the catalogue must say for the region as of AS_OF (batch 1).
EXPECTED = {
    "study_leaders": 3,  # two county leaders of 阿巴嘎旗, one bureau leader of 锡林郭勒盟
    "root_reading_classes": 2,
    "root_central_group_sessions": 1,
    "batch_units": 3,
    "reading_class_coverage": 2,  # 阿巴嘎旗 and 锡林郭勒盟; 苏尼特左旗 held none
    "batch_central_group_sessions": 2,  # 锡林郭勒盟 1 (the late one is after AS_OF), 苏尼特左旗 1
    "research_aspects": 2,
    "provincial_topics": 1,
    "provincial_trips": 2,
    "batch_topics": 2,  # 阿巴嘎旗 2; the child's topic is not a batch unit's
    "batch_trips": 2,
    "research_problems": 2,
    "research_measures": 3,
    "guidance_visits": 2,
    "revised_plan_units": 1,
    "root_problems": 2,
    "root_problem_aspects": 1,
    "self_inspection_problems": 4,
    "self_inspection_aspects": 2,
    "self_inspection_closed": 1,
    "self_inspection_measures": 2,
    "special_programs": 1,
    "ecology_projects": 2,
    "border_security_funds": Decimal("19370000000.00"),
    "agriculture_funds": Decimal("3220000000.00"),
    "opening_up_zone_funds": Decimal("600000000.00"),
    "opening_up_port_funds": Decimal("200000000.00"),
    "livelihood_items": 3,
    "livelihood_areas": 2,
    "ethnic_affairs_funds": Decimal("714000000.00"),
    # 300 千瓦 typed as 0.03万千瓦 and 200 千瓦 as 0.2兆瓦 on the region's indicator (千瓦), and
    # 50 千瓦 on 阿巴嘎旗's own indicator kept in 万千瓦 (0.005); the 100 千瓦 of LATE not yet.
    "energy_capacity": Decimal("550"),
}
TOTALS = {"reading_class_coverage": 3}


def _calendar():
    from django.utils import timezone

    from shigan.core.services import calendar_year_seed, package_years

    today = timezone.localdate()
    for year in sorted({2023, today.year, today.year + 1} & set(package_years())):
        calendar_year_seed(actor=system_actor("test"), year=year)


def _campaign(units, guide):
    campaign = campaigns.campaign_create(
        actor=system_actor("test"),
        name="学习贯彻主题教育",
        root_unit=units["region"],
        starts_on=START,
    )
    batch = campaigns.batch_create(
        actor=system_actor("test"), campaign=campaign, name="第一批", starts_on=START
    )
    on_time = [units["parent"], units["own"], units["sibling"]]
    campaigns.participation_enroll(
        actor=system_actor("test"), batch=batch, units=on_time, enrolled_on=D(2023, 4, 10)
    )
    campaigns.participation_enroll(
        actor=system_actor("test"),
        batch=batch,
        units=[units["unrelated"]],
        enrolled_on=D(2023, 6, 1),
    )
    research_aspects = [
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.RESEARCH, name=n
        )
        for n in ("基层治理", "生态保护")
    ]
    problem_aspects = [
        campaigns.aspect_create(
            actor=system_actor("test"), campaign=campaign, kind=AspectKind.PROBLEM, name=n
        )
        for n in ("理论学习", "作风建设", "为民服务")
    ]
    group = campaigns.guidance_group_create(
        actor=system_actor("test"), campaign=campaign, name="第一指导组"
    )
    campaigns.guidance_group_assign(
        actor=system_actor("test"), group=group, units=[units["parent"], units["region"]]
    )
    campaigns.guidance_group_add_member(actor=system_actor("test"), group=group, user=guide)
    return campaign, batch, research_aspects, problem_aspects, group


def _people(units):
    def person(unit, name, rank):
        return person_create(
            actor=system_actor("test"), unit=units[unit], name=name, rank=rank, post="领导"
        )

    return {
        "county1": person("own", "巴特尔", PersonRank.COUNTY),
        "county2": person("own", "其木格", PersonRank.COUNTY),
        "section": person("own", "乌兰", PersonRank.SECTION),
        "bureau": person("parent", "王建国", PersonRank.BUREAU),
        "provincial": person("region", "李明华", PersonRank.PROVINCIAL),
    }


def _study(units, campaign, people):
    def session(unit, kind, day, leaders=()):
        study.study_activity_create(
            actor=system_actor("test"),
            unit=units[unit],
            campaign=campaign,
            kind=kind,
            title=f"{units[unit].name}{day:%m%d}学习",
            held_on=day,
            leaders=leaders,
        )

    session("region", "reading_class", D(2023, 4, 13))
    session("region", "reading_class", D(2023, 5, 8))
    session("region", "central_group", D(2023, 4, 20))
    session("own", "reading_class", D(2023, 4, 15), [people["county1"], people["section"]])
    session("own", "three_meetings", D(2023, 4, 18), [people["county1"], people["county2"]])
    session("parent", "reading_class", D(2023, 4, 16), [people["bureau"]])
    session("parent", "central_group", D(2023, 4, 25), [people["bureau"]])
    session("parent", "central_group", LATE)
    session("sibling", "central_group", D(2023, 5, 5))
    session("child", "central_group", D(2023, 5, 6))  # not enrolled
    session("unrelated", "central_group", D(2023, 5, 6))  # enrolled after AS_OF


def _topic(unit, campaign, aspect, lead, guide, verdicts=("approved",)):
    topic = research.topic_create(
        actor=system_actor("test"), unit=unit, campaign=campaign, aspect=aspect,
        title=f"{unit.name}{aspect.name}调研", lead=lead, created_on=D(2023, 4, 12),
    )  # fmt: skip
    for verdict in verdicts:
        plan = research.topic_plan_submit(
            actor=system_actor("test"), topic=topic, text="方案", day=D(2023, 4, 13)
        )
        research.topic_plan_review(
            actor=guide, plan=plan, verdict=verdict, comments="补充调研点", day=D(2023, 4, 14)
        )
    return topic


def _research(units, campaign, aspects, problem_aspects, people, guide, group):
    trip = research.topic_trip_log
    region_topic = _topic(units["region"], campaign, aspects[0], people["provincial"], guide)
    trip(
        actor=system_actor("test"),
        topic=region_topic,
        visited_on=D(2023, 4, 20),
        place=units["own"],
    )
    trip(
        actor=system_actor("test"),
        topic=region_topic,
        visited_on=D(2023, 4, 21),
        place=units["parent"],
    )
    own_a = _topic(
        units["own"], campaign, aspects[0], people["county1"], guide, ("revise", "approved")
    )
    own_b = _topic(units["own"], campaign, aspects[1], people["county2"], guide)
    child = _topic(units["child"], campaign, aspects[1], people["county1"], guide)
    for topic in (own_a, own_b, child):
        trip(
            actor=system_actor("test"),
            topic=topic,
            visited_on=D(2023, 4, 22),
            place=units["grandchild"],
        )
    found = [
        research.topic_problem_create(
            actor=system_actor("test"), topic=t, title=f"调研发现问题{i}", found_on=D(2023, 4, 25),
            aspect=problem_aspects[0],
        )
        for i, t in enumerate((own_a, own_b, child))
    ]  # fmt: skip
    for problem, n in zip(found, (2, 1, 1), strict=True):
        for i in range(n):
            problems.measure_add(
                actor=system_actor("test"),
                problem=problem,
                text=f"措施{i}",
                added_on=D(2023, 4, 26),
            )
    for day in (D(2023, 4, 28), D(2023, 5, 9)):
        research.research_visit_log(
            actor=system_actor("test"), group=group, unit=units["own"], visited_on=day
        )


def _rectification(units, campaign, aspects):
    def found(unit, aspect, day, **kwargs):
        deadline = D(2023, 5, 15) if day <= AS_OF else D(2023, 7, 5)
        return problems.problem_create(
            actor=system_actor("test"), unit=units[unit], campaign=campaign, aspect=aspect,
            source=ProblemSource.SELF_INSPECTION, title=f"{units[unit].name}检视问题{day:%m%d}",
            found_on=day, deadline=deadline, **kwargs,
        )  # fmt: skip

    found("region", aspects[0], D(2023, 4, 20))
    found("region", aspects[0], D(2023, 4, 21))
    own1 = found("own", aspects[0], D(2023, 4, 22))
    found("own", aspects[1], D(2023, 4, 23))
    found("parent", aspects[1], D(2023, 4, 24))
    found("sibling", aspects[1], D(2023, 4, 25))
    found("own", aspects[2], LATE)  # after AS_OF
    found("child", aspects[2], D(2023, 4, 25))  # not enrolled
    problems.measure_add(
        actor=system_actor("test"), problem=own1, text="立行立改", added_on=D(2023, 4, 23)
    )
    problems.measure_add(
        actor=system_actor("test"), problem=own1, text="建立机制", added_on=D(2023, 4, 24)
    )
    problems.problem_set_state(
        actor=system_actor("test"), problem=own1, state=ProblemState.CLOSED, day=D(2023, 5, 20)
    )
    problems.special_program_create(
        actor=system_actor("test"),
        campaign=campaign, name="软弱涣散基层党组织整顿", lead_unit=units["region"],
        created_on=D(2023, 5, 1),
    )  # fmt: skip


def _delivery(units, campaign):
    region = units["region"]
    day = D(2023, 5, 10)

    def project(name, area, kind, funds):
        projects.project_create(
            actor=system_actor("test"),
            campaign=campaign, unit=region, name=name, area=area, kind=kind,
            funds_allocated=Decimal(funds), approved_on=day,
        )  # fmt: skip

    project("节水改造一期", "ecology", "retrofit", "1000000")
    project("节水改造二期", "ecology", "retrofit", "2000000")
    project("边境安全保障", "border_security", "security", "19370000000")
    project("高标准农田", "agriculture", "farmland", "3220000000")
    project("满洲里试验区", "opening_up", "pilot_zone", "400000000")
    project("二连浩特试验区", "opening_up", "pilot_zone", "200000000")
    project("口岸经济", "opening_up", "port_economy", "200000000")
    project("少数民族发展任务", "other", "ethnic_affairs", "714000000")
    _energy(units, campaign, day)
    areas = [
        livelihood.livelihood_area_create(actor=system_actor("test"), campaign=campaign, name=n)
        for n in ("促进就业", "增加农牧民收入")
    ]
    for i, unit in enumerate(("region", "own", "sibling")):
        livelihood.livelihood_item_create(
            actor=system_actor("test"), campaign=campaign, area=areas[i % 2], title=f"民生实事{i}",
            unit=units[unit], listed_on=day,
        )  # fmt: skip


def _energy(units, campaign, day):
    """Row 28: the 新能源并网装机 indicator of two energy key tasks, in different units."""

    def task(unit, measure):
        key_task = key_tasks.key_task_create(
            actor=system_actor("test"), campaign=campaign, unit=units[unit], area="energy",
            title=f"{units[unit].name}能源任务", created_on=day,
        )  # fmt: skip
        indicator = indicators.indicator_declare(
            actor=system_actor("test"), key_task=key_task, name="新能源并网装机", measure=measure
        )
        return key_task, indicator

    def report(key_task, indicator, name, values):
        project = projects.project_create(
            actor=system_actor("test"),
            campaign=campaign, unit=key_task.unit, name=name, key_task=key_task,
            kind="energy", approved_on=day,
        )  # fmt: skip
        for value, on in values:
            indicators.indicator_report(
                actor=system_actor("test"),
                project=project,
                indicator=indicator,
                value=value,
                reported_on=on,
            )

    region_task, region_kw = task("region", "kw")
    report(region_task, region_kw, "风电项目", [("0.03万千瓦", day), ("100千瓦", LATE)])
    report(region_task, region_kw, "光伏项目", [("0.2兆瓦", D(2023, 5, 12))])
    own_task, own_wan = task("own", "wan_kw")
    report(own_task, own_wan, "分布式光伏", [("50千瓦", D(2023, 5, 15))])


def build_world(units, guide) -> dict:
    _calendar()
    campaign, batch, aspects, problem_aspects, group = _campaign(units, guide)
    people = _people(units)
    _study(units, campaign, people)
    _research(units, campaign, aspects, problem_aspects, people, guide, group)
    _rectification(units, campaign, problem_aspects)
    _delivery(units, campaign)
    return {
        "campaign": campaign,
        "batch": batch,
        "aspects": problem_aspects,
        "people": people,
        "group": group,
    }
