"""The scenario "Inner Mongolia 2023 theme education" (主题教育), as of 2023-06-07, and the small
campaign that follows it in 2024 (carryover.py), which changes none of the 2023 figures.

Built through the services, stage by stage, in one transaction: either the whole scenario is
there or none of it. Its records reproduce every figure of the article of 2023-06-08
(seed FIGURES.md) as of 2023-06-07; nothing of 2023 is dated later (deadlines aside).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from shigan.campaigns.models import Campaign
from shigan.demo.scenario import (
    briefing,
    carryover,
    delivery,
    people,
    petitions,
    promotion,
    rectification,
    research,
    study,
    union,
)
from shigan.demo.scenario.context import AS_OF, Context
from shigan.demo.scenario.setup import CAMPAIGN_NAME, build_setup, ensure_calendar

__all__ = ["AS_OF", "ScenarioReport", "scenario_build", "scenario_exists", "scenario_campaign"]


@dataclass
class ScenarioReport:
    """What was built, and how long each stage took (seconds)."""

    timings: list[tuple[str, float]] = field(default_factory=list)
    cpu: list[tuple[str, float]] = field(default_factory=list)  # this process's CPU time
    counts: dict[str, int] = field(default_factory=dict)
    campaign: object = None
    briefing: object = None

    @property
    def total(self) -> float:
        return sum(seconds for _name, seconds in self.timings)


def scenario_campaign():
    return (
        Campaign.objects.filter(name=CAMPAIGN_NAME, root_unit__division_code="150000000000")
        .order_by("pk")
        .first()
    )


def scenario_exists() -> bool:
    return scenario_campaign() is not None


def analyze(_ctx) -> dict:
    """After a bulk load PostgreSQL plans with stale statistics (a 16,000-unit subtree taken
    for 6 rows: 30 s instead of 0.03 s for the study figure); ANALYZE counts the rows of this
    very transaction too. SQLite plans these queries well without statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {}


def _stages():
    return (
        (_("主题教育、参学单位、方面和巡回指导组"), build_setup),
        (_("领导干部名册"), people.build_people),
        (_("学习活动"), study.build_study),
        (_("调研课题、方案审核和调研"), research.build_research),
        (_("巡回指导"), research.build_guidance),
        (_("调研成果推广"), promotion.build_promotion),
        (_("调研发现问题和解决措施"), rectification.build_research_problems),
        (_("检视问题、整改和销号"), rectification.build_self_inspection),
        (_("专项整治和建章立制"), rectification.build_programs_and_rules),
        (_("重点任务、项目资金和民生项目"), delivery.build_delivery),
        (_("信访代办：嘎查、苏木、旗三级"), petitions.build_petitions),
        (_("工会维权案件"), union.build_union),
        (_("红黄绿灯（截至 2023-06-07）"), rectification.build_lights),
        (_("更新数据库统计信息"), analyze),
        (_("简报"), briefing.build_briefing),
        (_("下一次主题教育（2024年党纪学习教育）和转入的问题"), carryover.build_carryover),
    )


def scenario_build(
    *, accounts: dict, progress: Callable[[str], None] = lambda _msg: None
) -> ScenarioReport:
    """Build the scenario (the caller checks it is not there yet). `accounts` are the demo
    accounts by username; `progress` receives one line per stage with its time."""
    report = ScenarioReport()
    ensure_calendar()
    ctx = Context(progress)
    with transaction.atomic():
        for name, stage in _stages():
            started, cpu = time.perf_counter(), time.process_time()
            result = stage(ctx, accounts) if stage.__name__ == "build_setup" else stage(ctx)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            report.timings.append((str(name), seconds))
            report.cpu.append((str(name), cpu))
            if isinstance(result, dict):
                report.counts.update(result)
            progress(
                _("%(stage)s：%(seconds).1f 秒（CPU %(cpu).1f 秒）")
                % {"stage": name, "seconds": seconds, "cpu": cpu}
            )
    report.campaign = ctx.campaign
    report.briefing = getattr(ctx, "briefing", None)
    return report
