"""The problem ledger exported in the office layout (one row per problem, the measures numbered
in one cell); the columns are the importer's, so an exported sheet imports back unchanged."""

from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_lazy

from shigan.core.spreadsheets.exporters import Exporter
from shigan.orgs.imports import UnitIndex
from shigan.orgs.models import Unit
from shigan.problems import selectors
from shigan.problems.choices import MeasureState, ProblemState, ProblemTerm
from shigan.problems.imports import LEDGER_COLUMNS
from shigan.problems.models import Measure, ProgressReport

__all__ = ["LedgerExporter", "EXPORT_COLUMNS"]

# One row per problem: the measures' 完成时间 (one per measure) has no cell there, so it is
# left out, as 发现日期 is; the page of each problem shows both.
EXPORT_COLUMNS = tuple(c for c in LEDGER_COLUMNS if c.key not in ("found_on", "done_on"))


def _date_text(day) -> str:
    """A date inside a sentence, as the importer reads it back: 2023年5月10日 / 10 May 2023."""
    if (get_language() or "").startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return formats.date_format(day, "j F Y")


class LedgerExporter(Exporter):
    title = gettext_lazy("问题整改台账")
    columns = EXPORT_COLUMNS

    def __init__(self, *, user, unit: Unit, criteria: dict | None = None):
        self.user = user
        self.unit = unit
        self.criteria = criteria or {}
        self._index: UnitIndex | None = None

    def queryset(self):
        return selectors.problem_list(user=self.user, unit=self.unit, **self.criteria)

    def count(self) -> int:
        return self.queryset().count()

    def filename(self, ext: str) -> str:
        return f"{self.unit.name}-问题整改台账.{ext}"

    def unit_ref(self, unit: Unit) -> str:
        """The unit as the importer finds it again: its name, or its path of names where the
        name alone is ambiguous in the subtree."""
        if unit.pk == self.unit.pk:
            return unit.name
        if self._index is None:
            self._index = UnitIndex(self.unit)
        if len(self._index.candidates(unit.name)) == 1:
            return unit.name
        return self._index.name_path.get(unit.pk, unit.name)

    @staticmethod
    def time_limit(problem) -> str:
        if problem.term == ProblemTerm.TIME_BOUND:
            return problem.deadline or ""
        if problem.deadline:
            return gettext("%(term)s，%(date)s前") % {
                "term": problem.get_term_display(),
                "date": _date_text(problem.deadline),
            }
        return str(problem.get_term_display())

    @staticmethod
    def status(problem, measures) -> str:
        if problem.state in (ProblemState.CLOSED, ProblemState.PENDING_REVIEW):
            return str(problem.get_state_display())
        if measures and all(m.state == MeasureState.DONE for m in measures):
            return str(MeasureState.DONE.label)
        return str(problem.get_state_display())

    def rows(self) -> Iterator[tuple]:
        query = self.queryset().prefetch_related(
            Prefetch("measures", Measure.objects.order_by("added_on", "pk")),
            Prefetch("reports", ProgressReport.objects.order_by("-reported_on", "-pk")),
        )
        for n, problem in enumerate(query.iterator(2000), start=1):
            measures = list(problem.measures.all())
            reports = list(problem.reports.all())
            if len(measures) > 1:
                cell = "\n".join(f"{i}. {m.text}" for i, m in enumerate(measures, start=1))
            else:
                cell = measures[0].text if measures else ""
            yield (
                n,
                problem.title,
                problem.aspect.name if problem.aspect else "",
                str(problem.get_source_display()),
                cell,
                problem.responsible.name if problem.responsible else "",
                self.unit_ref(problem.unit),
                self.time_limit(problem),
                reports[0].text if reports else "",
                self.status(problem, measures),
            )
