"""Stage 11: the campaign office issues the briefing for 2023-06-07, its figures computed from
the records just made (and frozen with the ids of the records behind each)."""

from shigan.briefings.services import briefing_generate, briefing_issue
from shigan.demo.scenario.context import Context

__all__ = ["build_briefing"]


def build_briefing(ctx: Context) -> dict:
    draft = briefing_generate(
        actor=ctx.office, campaign=ctx.campaign, unit=ctx.root, as_of=ctx.as_of, batch=ctx.batch
    )
    ctx.briefing = briefing_issue(actor=ctx.office, briefing=draft)
    return {"briefings": 1}
