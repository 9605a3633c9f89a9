"""The carry-over links of a problem's page: where it came from (with the original's history)
and where it went."""

from django import template

from shigan.problems.carryover import problem_lineage

register = template.Library()


@register.inclusion_tag("problems/partials/carry_over.html", takes_context=True)
def carry_over(context, problem):
    """Nothing for a problem never carried; else the campaigns before and after it."""
    if not problem.carried_from_id and not hasattr(problem, "carried_to"):
        return {"earlier": [], "later": []}
    lineage = problem_lineage(user=context["request"].user, problem=problem)
    index = next((i for i, p in enumerate(lineage) if p.pk == problem.pk), 0)
    return {"problem": problem, "earlier": lineage[:index], "later": lineage[index + 1 :]}
