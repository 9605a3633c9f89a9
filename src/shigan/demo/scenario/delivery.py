"""Stage 9: delivery (以学促干). The five great tasks and the "model region" task, with their
timetables and projects: 208 energy- and water-saving retrofits (row 21), 193.7亿元 for the
northern security barrier (row 22), 531 千瓦 of new-energy capacity connected under the energy
task (row 28), 32.2亿元 of farmland subsidies (row 23), 6亿元 for the
满洲里 and 二连浩特 pilot zones and a 2亿元 port-economy fund (row 24), 7.14亿元 of ethnic-affairs
funds through the 民委 (row 27); and the livelihood list of 43 items in 10 areas (rows 25–26),
with 人社 service windows in bank branches of four leagues (two each, the second opened on the
as-of date)."""

import datetime
from decimal import Decimal
from typing import TypedDict

from shigan.demo.scenario.context import Context, split
from shigan.initiatives.choices import FundSource, KeyTaskArea, ProjectKind, ProjectState
from shigan.initiatives.services import (
    indicators,
    key_tasks,
    livelihood,
    milestones,
    projects,
    service_points,
)
from shigan.orgs.models import Unit

__all__ = ["TARGETS", "build_delivery"]

D = datetime.date
YI = 100_000_000  # 亿元
WAN = 10_000  # 万元


class _Targets(TypedDict):
    ecology_projects: int
    border_security_funds: Decimal
    agriculture_funds: Decimal
    pilot_zone_funds: Decimal
    port_funds: Decimal
    livelihood_items: int
    livelihood_areas: int
    ethnic_affairs_funds: Decimal
    energy_capacity_kw: Decimal


TARGETS: _Targets = {
    "ecology_projects": 208,  # row 21
    "border_security_funds": Decimal("19370000000"),  # row 22
    "agriculture_funds": Decimal("3220000000"),  # row 23
    "pilot_zone_funds": Decimal("600000000"),  # row 24
    "port_funds": Decimal("200000000"),  # row 24
    "livelihood_items": 43,  # row 25
    "livelihood_areas": 10,  # row 26
    "ethnic_affairs_funds": Decimal("714000000"),  # row 27
    "energy_capacity_kw": Decimal("531"),  # row 28
}
SERVICE_POINT_ITEM = "零工市场建设"
# A bank and the day its first service window opened, league by league (a second one opened
# on the as-of date in each).
SERVICE_POINTS = (
    ("中国农业银行", D(2023, 5, 15)),
    ("中国建设银行", D(2023, 5, 22)),
    ("内蒙古农村商业银行", D(2023, 5, 29)),
    ("中国工商银行", D(2023, 6, 5)),
)
ENERGY_INDICATOR = "新能源并网装机"
ENERGY_TARGET = "0.1万千瓦"
# 231 + 100 + 120 + 80 = 531 千瓦, as four sheets wrote it.
CAPACITY_REPORTS = ("0.0231万千瓦", "0.1兆瓦", "120千瓦", "80")

KEY_TASKS = (
    (KeyTaskArea.ECOLOGY, "努力把我国北方重要生态安全屏障构筑得牢不可破", "自治区生态环境厅"),
    (KeyTaskArea.BORDER_SECURITY, "努力把祖国北疆安全稳定屏障构筑得坚不可摧", "自治区党委政法委"),
    (KeyTaskArea.ENERGY, "努力把国家重要能源和战略资源基地建设得势强劲足", "自治区能源局"),
    (KeyTaskArea.AGRICULTURE, "努力把国家重要农畜产品生产基地建设得量大质优", "自治区农牧厅"),
    (KeyTaskArea.OPENING_UP, "努力把国家向北开放重要桥头堡打造得巍然蓬勃", "自治区商务厅"),
    (KeyTaskArea.OTHER, "全方位建设“模范自治区”", "自治区民委"),
)
MILESTONES = (
    ("制定时间表、路线图、任务书", D(2023, 4, 28)),
    ("梳理形成重点项目清单", D(2023, 5, 19)),
    ("召开推进会调度工作进展", D(2023, 6, 30)),
    ("开展阶段性评估", D(2023, 9, 28)),
    ("全面完成年度目标任务", D(2023, 12, 29)),
)
BORDER = ("边境地区基础设施补短板", "边境口岸查验能力提升", "边境地区公共服务提升",
          "护边员队伍建设", "重点领域安全保障能力建设", "边境地区人口“空心化”治理",
          "应急救援能力建设", "数字边防建设")  # fmt: skip
ENERGY = ("风光大基地项目", "煤电机组节能降碳改造", "新型储能示范项目", "绿氢制备示范项目",
          "特高压外送通道配套工程")  # fmt: skip
PORTS = ("满洲里口岸", "二连浩特口岸", "策克口岸", "甘其毛都口岸", "珠恩嘎达布其口岸")
LIVELIHOOD = (
    ("促进就业", ("高校毕业生就业创业促进行动", "农牧民转移就业培训", "零工市场建设",
                  "就业困难人员托底安置", "新就业形态劳动者权益保障")),
    ("增加农牧民收入", ("肉牛肉羊产业增收工程", "奶业振兴增收行动", "“统种共富”土地合作经营推广",
                       "嘎查村集体经济壮大")),
    ("教育", ("城镇学校学位扩容", "农村牧区寄宿制学校改善", "学前教育普惠扩容",
              "职业教育提质培优", "义务教育课后服务提质")),
    ("医疗卫生", ("县域医共体建设", "基层医疗卫生机构能力提升", "紧密型城市医疗集团试点",
                  "旗县医院急诊急救能力提升", "蒙医药服务能力提升")),
    ("养老托育", ("社区嵌入式养老服务", "农村牧区互助养老幸福院", "普惠托育服务扩容",
                  "特困人员供养服务提升")),
    ("住房保障", ("城镇老旧小区改造", "保障性租赁住房建设", "农村牧区危房改造",
                  "城镇燃气管道老化更新")),
    ("社会保障", ("城乡居民基础养老金提标", "困难群众基本生活保障", "残疾人两项补贴提标",
                  "医保异地就医直接结算")),
    ("饮水安全", ("农村牧区供水保障工程", "城镇供水管网改造", "牧区饮水设施防冻改造",
                  "水质提升工程")),
    ("交通出行", ("嘎查村通硬化路建设", "城乡客运一体化", "城市停车设施建设",
                  "公交线网优化")),
    ("文化体育", ("公共文化服务提升", "全民健身设施补短板", "乌兰牧骑惠民演出",
                  "农家书屋提档升级")),
)  # fmt: skip


LIVELIHOOD_OWNERS = (
    "自治区人力资源社会保障厅",
    "自治区农牧厅",
    "自治区教育厅",
    "自治区卫生健康委",
    "自治区民政厅",
    "自治区住房城乡建设厅",
    "自治区医保局",
    "自治区水利厅",
    "自治区交通运输厅",
    "自治区文化和旅游厅",
)


def _amounts(total: Decimal, n: int, ctx: Context) -> list[Decimal]:
    """`total` yuan in `n` sums of whole 万元 (the unit budgets are written in)."""
    parts = split(int(total) // WAN, [1.0] * n, ctx.rng, 1)
    return [Decimal(p * WAN) for p in parts]


def build_delivery(ctx: Context) -> dict:
    office = ctx.office
    tasks = {}
    for area, title, owner in KEY_TASKS:
        owner_unit = ctx.departments[owner]
        task = key_tasks.key_task_create(
            actor=office,
            campaign=ctx.campaign,
            unit=ctx.root,
            area=area,
            title=title,
            goal="以推动高质量发展的新成效检验主题教育成果。",
            owner_unit=owner_unit,
            owner_leader=ctx.rng.choice(ctx.provincial[:20]),
            roadmap="制定时间表、路线图、任务书，逐项明确责任单位和完成时限。",
            task_book_text=f"{title}任务书：年度目标、重点项目、责任分工、保障措施。",
            created_on=ctx.workday(D(2023, 4, 17), D(2023, 4, 28)),
        )
        tasks[area] = task
        _milestones(ctx, task)
    project_count = _projects(ctx, tasks)
    items = _livelihood(ctx)
    return {"key_tasks": len(tasks), "projects": project_count, "livelihood_items": items}


def _milestones(ctx: Context, task) -> None:
    for title, due in MILESTONES:
        milestone = milestones.milestone_add(
            actor=ctx.office, key_task=task, title=title, due_on=due
        )
        if due <= D(2023, 5, 19):
            done = ctx.after(due, -3, 1) if due < ctx.as_of else due
            milestones.milestone_complete(actor=ctx.office, milestone=milestone, done_on=done)


def _project(ctx: Context, task, unit, name, kind, amount, source, **extra):
    approved = extra.pop("approved_on", None) or ctx.workday(D(2023, 4, 20), D(2023, 6, 2))
    state = extra.pop("state", ctx.rng.choice((ProjectState.PLANNED, ProjectState.UNDER_WAY)))
    started = ctx.after(approved, 3, 10) if state != ProjectState.PLANNED else None
    disbursed = (amount * Decimal(ctx.rng.choice((0, 20, 30, 50))) / 100).quantize(Decimal(1))
    return projects.project_create(
        actor=ctx.office,
        campaign=ctx.campaign,
        unit=unit,
        name=name,
        kind=kind,
        key_task=task,
        fund_source=source,
        funds_allocated=amount,
        funds_disbursed=disbursed if started else Decimal(0),
        state=state,
        approved_on=approved,
        started_on=started,
    )


def _projects(ctx: Context, tasks: dict) -> int:
    """The projects of rows 21–24 and 27–28, task by task; returns how many were made."""
    leagues = [b.unit for b in ctx.units if b.category == "prefecture"]
    made = _ecology_projects(ctx, tasks[KeyTaskArea.ECOLOGY], leagues)
    made += _border_projects(ctx, tasks[KeyTaskArea.BORDER_SECURITY], leagues)
    made += _farmland_projects(ctx, tasks[KeyTaskArea.AGRICULTURE], leagues)
    energy = _energy_projects(ctx, tasks[KeyTaskArea.ENERGY], leagues)
    made += len(energy)
    _energy_capacity(ctx, tasks[KeyTaskArea.ENERGY], energy)
    made += _opening_up(ctx, tasks[KeyTaskArea.OPENING_UP])
    made += _ethnic_affairs_projects(ctx, tasks[KeyTaskArea.OTHER], leagues)
    return made


def _ecology_projects(ctx: Context, task, leagues: list) -> int:
    """Row 21: the energy- and water-saving retrofits, dealt round the leagues in batches."""
    rng = ctx.rng
    for i in range(TARGETS["ecology_projects"]):
        unit = leagues[i % len(leagues)]
        what = rng.choice(
            (
                "公共机构节能改造",
                "工业园区节水改造",
                "供热管网节能改造",
                "灌区节水改造",
                "污水再生利用",
            )
        )
        name = f"{unit.name}{what}项目（第{i // len(leagues) + 1}批）"
        amount = Decimal(rng.randint(80, 3000) * WAN)
        _project(ctx, task, unit, name, ProjectKind.RETROFIT, amount, FundSource.REGIONAL)
    return TARGETS["ecology_projects"]


def _border_projects(ctx: Context, task, leagues: list) -> int:
    """Row 22: the northern security barrier's funds, three phases of each project."""
    border = _amounts(TARGETS["border_security_funds"], len(BORDER) * 3, ctx)
    for i, amount in enumerate(border):
        unit = ctx.rng.choice(leagues)
        name = f"{BORDER[i % len(BORDER)]}（{unit.name}）{i // len(BORDER) + 1}期"
        _project(ctx, task, unit, name, ProjectKind.SECURITY, amount, FundSource.SPECIAL)
    return len(border)


def _farmland_projects(ctx: Context, task, leagues: list) -> int:
    """Row 23: a farmland subsidy to each league."""
    farmland = _amounts(TARGETS["agriculture_funds"], len(leagues), ctx)
    for unit, amount in zip(leagues, farmland, strict=True):
        name = f"{unit.name}2023年高标准农田建设补助资金"
        _project(ctx, task, unit, name, ProjectKind.FARMLAND, amount, FundSource.CENTRAL)
    return len(farmland)


def _energy_projects(ctx: Context, task, leagues: list) -> list:
    """The new-energy projects whose capacity row 28 counts."""
    made = []
    for name in ENERGY:
        amount = Decimal(ctx.rng.randint(20, 90) * YI // 10)
        unit = ctx.rng.choice(leagues)
        made.append(_project(ctx, task, unit, name, ProjectKind.ENERGY, amount, FundSource.SOCIAL))
    return made


def _ethnic_affairs_projects(ctx: Context, task, leagues: list) -> int:
    """Row 27: ethnic-affairs funds sent down to each league through the 民委."""
    ethnic = _amounts(TARGETS["ethnic_affairs_funds"], len(leagues), ctx)
    minwei = ctx.departments["自治区民委"]
    for league, amount in zip(leagues, ethnic, strict=True):
        name = f"下达{league.name}少数民族发展任务资金"
        kind = ProjectKind.ETHNIC_AFFAIRS
        _project(ctx, task, minwei, name, kind, amount, FundSource.CENTRAL)
    return len(ethnic)


def _energy_capacity(ctx: Context, task, projects) -> None:
    """Row 28: the energy task's 新能源并网装机 indicator (千瓦); four of its projects report the
    capacity they connected, each in the unit its sheet used (万千瓦, 兆瓦, 千瓦)."""
    indicator = indicators.indicator_declare(
        actor=ctx.office,
        key_task=task,
        name=ENERGY_INDICATOR,
        measure="kw",
        target=ENERGY_TARGET,
    )
    for project, value in zip(projects, CAPACITY_REPORTS, strict=False):
        indicators.indicator_report(
            actor=ctx.office,
            project=project,
            indicator=indicator,
            value=value,
            reported_on=max(project.approved_on, D(2023, 5, 31)),
        )


def _opening_up(ctx: Context, task) -> int:
    zones = [
        Unit.objects.filter(name=name, division_level=3).first()
        for name in ("满洲里市", "二连浩特市")
    ]
    zone_funds = _amounts(TARGETS["pilot_zone_funds"], 2, ctx)
    for unit, amount, zone in zip(zones, zone_funds, ("满洲里", "二连浩特"), strict=True):
        name, kind = f"{zone}重点开发开放试验区建设", ProjectKind.PILOT_ZONE
        _project(ctx, task, unit or ctx.root, name, kind, amount, FundSource.RAISED)
    port_funds = _amounts(TARGETS["port_funds"], len(PORTS), ctx)
    commerce = ctx.departments["自治区商务厅"]
    for port, amount in zip(PORTS, port_funds, strict=True):
        name, kind = f"{port}口岸经济发展专项资金", ProjectKind.PORT_ECONOMY
        _project(ctx, task, commerce, name, kind, amount, FundSource.SPECIAL)
    return 2 + len(PORTS)


def _service_points(ctx: Context, item) -> None:
    """人社服务窗口前移: 人社 service windows opened in bank branches of a few leagues."""
    leagues = [b.unit for b in ctx.units if b.category == "prefecture"][: len(SERVICE_POINTS)]
    for league, (bank, day) in zip(leagues, SERVICE_POINTS, strict=True):
        for n in (1, 2):
            service_points.service_point_open(
                actor=ctx.office,
                item=item,
                name=f"{league.name}{bank}人社服务网点{n}",
                unit=league,
                partner=f"{bank}{league.name}分行",
                opened_on=day if n == 1 else ctx.as_of,
                services="社保卡申领和激活\n养老保险待遇资格认证\n就业登记和失业登记",
            )


def _livelihood(ctx: Context) -> int:
    rng = ctx.rng
    owners = [ctx.departments[name] for name in LIVELIHOOD_OWNERS]
    items = 0
    for ordinal, ((area_name, titles), owner) in enumerate(zip(LIVELIHOOD, owners, strict=True), 1):
        area = livelihood.livelihood_area_create(
            actor=ctx.office, campaign=ctx.campaign, name=area_name, ordinal=ordinal
        )
        for title in titles:
            listed = ctx.workday(D(2023, 5, 4), D(2023, 5, 12))
            item = livelihood.livelihood_item_create(
                actor=ctx.office,
                campaign=ctx.campaign,
                area=area,
                title=title,
                unit=owner,
                target="年底前完成年度目标任务",
                deadline=D(2023, 12, 29),
                listed_on=listed,
            )
            items += 1
            if title == SERVICE_POINT_ITEM:
                _service_points(ctx, item)
            if rng.random() < 0.6:
                livelihood.livelihood_progress_report(
                    actor=ctx.office,
                    item=item,
                    text="已制定实施方案，正在推进。",
                    percent=rng.choice((10, 20, 30, 40)),
                    reported_on=ctx.workday(listed),
                )
    return items
