"""A ledger sheet brought into the database: who its leaders are, which of its rows are
problems already on the ledger and what they change, and the bulk writes that apply it.

Offices send the same ledger every week with the progress filled in. A row is matched to its
problem by (责任单位, 问题) with the title compared as `title_key` (full-width or half-width,
spaces); what changed goes through the services' bulk forms — new measures, measures done,
a progress report, a close-out request for a row now finished — and a row that changes nothing
is unchanged. A finished row is never closed by the import: it arrives as a close-out request
carrying the ledger's claim, with the ledger itself as its evidence, for a reviewer to decide.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from shigan.core.errors import DomainError, RowsRejected
from shigan.core.spreadsheets.values import normalize_text
from shigan.core.uploads import Checked
from shigan.core.views_exchange import CONTENT_TYPES
from shigan.metrics.engine import metric_changes
from shigan.orgs.choices import PersonRank
from shigan.orgs.imports import NewPerson
from shigan.orgs.models import Person
from shigan.orgs.services import PersonDraft, person_bulk_create
from shigan.problems import services
from shigan.problems.choices import (
    ExtensionState,
    MeasureState,
    ProblemSource,
    ProblemState,
    ProblemTerm,
)
from shigan.problems.ledger_terms import LedgerState, TimeLimit, title_key
from shigan.problems.models import DeadlineExtension, Measure, Problem, ProgressReport

__all__ = ["match_problems", "LedgerWriter"]

_PERCENT = re.compile(r"(\d{1,3})\s*[%％]")


# -- matching ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the import does for one problem (new or already on the ledger)."""

    measures: list  # sheet measures to add ({"text", "owner", "deadline", "done", "done_on", …})
    complete: list  # (existing measure now done, the sheet's 完成时间 or None)
    progress: tuple | None = None  # (text, percent)
    closeout: str | None = None  # the summary of a close-out request
    start: bool = True  # whether new measures start an open problem
    extension: datetime.date | None = None  # a new deadline: asked for, for a reviewer


def _percent(text: str | None, state: str, measures: list) -> int:
    if m := _PERCENT.search(text or ""):
        return min(int(m[1]), 100)
    if state == LedgerState.FINISHED or (measures and all(m["done"] for m in measures)):
        return 100
    return 0


def _claim(importer, values: dict) -> str:
    """The ledger's claim that a problem is finished, as a close-out request states it."""
    day = importer.ledger_date or values["_found_on"]
    text = values.get("progress") or _("已完成")
    return _("据台账（%(day)s）：%(text)s") % {"day": day.isoformat(), "text": text}


def _state_word(values: dict) -> str:
    """The row's own 完成情况 word, as the text of the report that records it."""
    words = (normalize_text(r.raw.get("status")) for r in values["_rows"])
    return next((w for w in words if w), _("整改中"))


def _new_plan(importer, values: dict) -> Plan:
    state = values["_state"]
    started = state != LedgerState.OPEN
    progress = values.get("progress")
    plan = Plan(measures=list(values["_measures"]), complete=[], start=started)
    if progress and started:
        plan.progress = (progress, _percent(progress, state, plan.measures))
    elif started and not plan.measures:  # "整改中" with nothing else: the word is the report
        plan.progress = (_state_word(values), _percent("", state, []))
    if state == LedgerState.FINISHED:
        plan.closeout = _claim(importer, values)
    return plan


def _new_deadline(values: dict, problem: Problem, pending) -> datetime.date | None:
    """The deadline the sheet now gives, when it moved and is not already asked for. The
    deadline moves only by an approved extension, so the import asks for one."""
    limit = values["_limit"]
    day = limit.deadline if limit is not None else None
    if day is None or problem.term == ProblemTerm.LONG_TERM or day == problem.deadline:
        return None
    return None if day == pending else day


def _update_plan(importer, values: dict, problem: Problem, measures, latest: str, pending) -> Plan:
    state = values["_state"]
    have = {title_key(m.text): m for m in measures}
    sheet = values["_measures"]
    plan = Plan(
        measures=[m for m in sheet if title_key(m["text"]) not in have],
        complete=[
            (have[title_key(m["text"])], m["done_on"])
            for m in sheet
            if m["done"]
            and title_key(m["text"]) in have
            and have[title_key(m["text"])].state != MeasureState.DONE
        ],
        start=state != LedgerState.OPEN,
    )
    progress = values.get("progress")
    changed = bool(progress) and title_key(progress) != title_key(latest)
    if changed and state != LedgerState.OPEN:
        plan.progress = (progress, _percent(progress, state, sheet))
    opened = problem.state == ProblemState.OPEN and state != LedgerState.OPEN
    if opened and not plan.progress and not plan.measures:
        plan.progress = (_state_word(values), _percent("", state, []))
    finishing = problem.state in (ProblemState.OPEN, ProblemState.IN_PROGRESS) or (
        problem.state == ProblemState.REOPENED and changed
    )
    if state == LedgerState.FINISHED and finishing:
        plan.closeout = _claim(importer, values)
    plan.extension = _new_deadline(values, problem, pending)
    return plan


def _words(plan: Plan) -> list[str]:
    words = []
    if plan.measures:
        words.append(_("新增措施 %(n)d 条") % {"n": len(plan.measures)})
    done = len(plan.complete) + sum(1 for m in plan.measures if m["done"])
    if done:
        words.append(_("完成措施 %(n)d 条") % {"n": done})
    if plan.progress:
        words.append(_("更新整改进展"))
    if plan.closeout:
        words.append(_("提交销号申请"))
    if plan.extension:
        words.append(_("申请延期至 %(day)s") % {"day": plan.extension.isoformat()})
    return words


def match_problems(importer, records) -> None:
    """Find each row's problem already on the ledger and plan what the row changes."""
    by_key: dict[tuple[int, str], int] = {}  # (unit id, title key): problem id
    units = {r.values["_unit_pk"] for r in records}
    existing = Problem.objects.filter(unit_id__in=units, campaign=importer.campaign).values_list(
        "pk", "unit_id", "title"
    )
    for existing_pk, unit_id, title in existing.order_by("pk"):
        by_key.setdefault((unit_id, title_key(title)), existing_pk)
    matched = {
        r.row: by_key[(r.values["_unit_pk"], r.values["_title_key"])]
        for r in records
        if (r.values["_unit_pk"], r.values["_title_key"]) in by_key
    }
    problems = Problem.objects.in_bulk(list(matched.values()))
    measures: dict[int, list[Measure]] = {}
    for measure in Measure.objects.filter(problem_id__in=list(problems)).order_by("pk"):
        measures.setdefault(measure.problem_id, []).append(measure)
    latest = {}
    reports = ProgressReport.objects.filter(problem_id__in=list(problems)).order_by(
        "problem_id", "reported_on", "pk"
    )
    for problem_id, text in reports.values_list("problem_id", "text"):
        latest[problem_id] = text
    pending = dict(
        DeadlineExtension.objects.filter(
            problem_id__in=list(problems), state=ExtensionState.PENDING
        ).values_list("problem_id", "new_deadline")
    )
    for record in records:
        values = record.values
        pk = matched.get(record.row)
        if pk is None:
            values["_plan"] = _new_plan(importer, values)
            continue
        problem = problems[pk]
        record.obj = problem
        if problem.state == ProblemState.CLOSED:
            record.unchanged = True
            continue
        plan = _update_plan(
            importer, values, problem, measures.get(pk, []), latest.get(pk, ""), pending.get(pk)
        )
        values["_plan"] = plan
        record.updates = _words(plan)
        record.unchanged = not record.updates


# -- writing -----------------------------------------------------------------------------------

_FIELD_COLUMNS = {
    "deadline_workdays": "deadline",
    "term": "deadline",
    "deadline": "deadline",
    "found_on": "found_on",
    "done_on": "done_on",
    "text": "measures",
    "first_measure": "measures",
    "percent": "progress",
    "summary": "progress",
    "aspect": "aspect",
    "campaign": "aspect",
    "unit": "unit",
    "name": "responsible",
    "title": "title",
}


class _Ref(NamedTuple):
    """A record known by its id only: what the bulk services read of the drafts' problems
    (a model instance per draft costs more than the insert of its row)."""

    pk: int


class _Refused(Exception):
    def __init__(self, errors: dict[int, DomainError]):
        self.errors = errors


def _mime(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return {
        "xls": "application/vnd.ms-excel",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
    }.get(ext, CONTENT_TYPES.get(ext, "application/octet-stream"))


def ledger_evidence(data: bytes, name: str) -> Checked:
    """The imported ledger as the evidence of the close-out requests it makes (it was checked
    as a spreadsheet by the upload form and read whole by the importer)."""
    ext = (name.rsplit(".", 1)[-1].lower() if "." in name else "xlsx")[:10]
    return Checked(
        ContentFile(data),
        name.rsplit("/", 1)[-1][:255] or "ledger.xlsx",
        ext,
        _mime(name),
        len(data),
        hashlib.sha256(data).hexdigest(),
    )


class LedgerWriter:
    """Writes a checked ledger through the services' bulk forms, in a few statements per
    step rather than per row. A refused row is dropped and the rest written again (valid rows
    mode), or the whole write refused (all or nothing)."""

    def __init__(self, importer):
        self.importer = importer
        self.actor = importer.actor
        self.read_notes: list[str] = []  # the notes of the reading, kept through the attempts

    def save(self, records, *, skip_invalid) -> dict[int, DomainError]:
        refused: dict[int, DomainError] = {}
        active = list(range(len(records)))
        self.read_notes = list(self.importer.notes)  # said of the sheet, before any attempt
        while active:
            point = transaction.savepoint()
            try:
                self._write([records[i] for i in active])
            except _Refused as error:
                transaction.savepoint_rollback(point)
                for position, why in error.errors.items():
                    refused[active[position]] = self._located(why)
                if not skip_invalid:
                    return refused
                active = [i for i in active if i not in refused]
                continue
            transaction.savepoint_commit(point)
            break
        return refused

    @staticmethod
    def _located(error: DomainError) -> DomainError:
        field = _FIELD_COLUMNS.get(error.field or "")
        return DomainError(error.message, code=error.code, field=field)

    def _call(self, owners: list[int], write, *args, **kwargs):
        """Run a bulk service; its refusals (by draft index) become the rows' (`owners[i]` is
        the position of draft i's record)."""
        try:
            return write(*args, **kwargs)
        except RowsRejected as rejected:
            raise _Refused({owners[i]: e for i, e in rejected.errors.items()}) from None

    # the steps

    def _write(self, records) -> None:
        self.importer.notes = list(self.read_notes)  # not those of an attempt undone
        people = self._register_people(records)
        for record in records:
            values = record.values
            values["_lead"] = people.get(values["_responsible"], values["_responsible"])
            values["_co"] = [people.get(p, p) for p in values["_co_responsible"]]
            for measure in values["_plan"].measures:
                measure["person"] = people.get(measure["owner"], measure["owner"])
        # The figures are brought up to date once for the whole sheet, not once per step.
        existing = [r.obj.pk for r in records if r.obj is not None]
        completed = [m.pk for r in records for m, _day in r.values["_plan"].complete]
        with (
            metric_changes(Problem, existing, batch=True),
            metric_changes(Measure, completed, batch=True),
        ):
            ids = self._create_problems(records)
            added = self._add_measures(records, ids)
            self._complete_measures(records, added)
            self._report_progress(records, ids)
            self._submit_closeouts(records, ids)
            self._ask_extensions(records)

    def _register_people(self, records) -> dict:
        wanted: dict[NewPerson, int] = {}
        for position, record in enumerate(records):
            values = record.values
            named = [values["_responsible"], *values["_co_responsible"]]
            named += [m["owner"] for m in values["_plan"].measures]
            for person in named:
                if isinstance(person, NewPerson):
                    wanted.setdefault(person, position)
        if not wanted:
            return {}
        new = list(wanted)
        drafts = [PersonDraft(unit=p.unit, name=p.name, rank=PersonRank.OTHER) for p in new]
        owners = [wanted[p] for p in new]
        outcome = self._call(owners, person_bulk_create, actor=self.actor, drafts=drafts)
        self.importer.notes.append(
            _("新登记人员 %(n)d 名：%(names)s。")
            % {"n": len(new), "names": "、".join(str(p) for p in new)}
        )
        return {
            p: Person(pk=outcome.created[i], name=p.name, unit=p.unit) for i, p in enumerate(new)
        }

    def _create_problems(self, records) -> dict[int, int]:
        """The new problems; {record position: problem id} for every record."""
        ids = {i: r.obj.pk for i, r in enumerate(records) if r.obj is not None}
        owners, drafts = [], []
        for position, record in enumerate(records):
            if record.obj is not None:
                continue
            values = record.values
            limit = values["_limit"] or TimeLimit(ProblemTerm.TIME_BOUND)
            owners.append(position)
            drafts.append(
                services.ProblemDraft(
                    unit=values["_unit"],
                    title=values["title"],
                    source=values.get("source") or ProblemSource.SELF_INSPECTION,
                    found_on=values["_found_on"],
                    campaign=self.importer.campaign,
                    aspect=values["_aspect"],
                    responsible=values["_lead"],
                    co_responsible=values["_co"],
                    term=limit.term,
                    deadline=limit.deadline,
                    deadline_workdays=limit.workdays,
                )
            )
        created = self._call(owners, services.problem_bulk_create, actor=self.actor, drafts=drafts)
        ids.update(zip(owners, created, strict=True))
        return ids

    def _found_on(self, record, problem_id) -> datetime.date:
        obj = record.obj
        return obj.found_on if obj is not None else record.values["_found_on"]

    def _day(self, record) -> datetime.date:
        """The day the ledger reports (never before the problem was found)."""
        found = record.obj.found_on if record.obj is not None else record.values["_found_on"]
        return max(found, self.importer.ledger_date or self.importer.today)

    def _add_measures(self, records, ids) -> list[tuple[int, int, dict]]:
        """(measure id, record position, sheet measure) of every measure added."""
        added = []
        for start in (True, False):
            owners, drafts, sheet = [], [], []
            for position, record in enumerate(records):
                plan = record.values["_plan"]
                if plan.start is not start:
                    continue
                added_on = self._found_on(record, ids[position])
                if record.obj is not None:
                    added_on = self._day(record)
                for measure in plan.measures:
                    owners.append(position)
                    sheet.append((position, measure))
                    drafts.append(
                        services.MeasureDraft(
                            problem=_Ref(ids[position]),
                            text=measure["text"],
                            added_on=added_on,
                            owner=measure["person"],
                            deadline=measure["deadline"],
                        )
                    )
            made = self._call(
                owners, services.measure_bulk_add, actor=self.actor, drafts=drafts, start=start
            )
            added += [(pk, pos, m) for pk, (pos, m) in zip(made, sheet, strict=True)]
        return added

    def _complete_measures(self, records, added) -> None:
        owners, pairs = [], []
        for pk, position, measure in added:
            if measure["done"]:
                owners.append(position)
                pairs.append((_Ref(pk), measure["done_on"] or self._day(records[position])))
        for position, record in enumerate(records):
            for measure, done_on in record.values["_plan"].complete:
                owners.append(position)
                # The sheet's date as it says (a service refuses one before the measure was
                # added, naming the column); without one, the report's day.
                pairs.append((measure, done_on or max(measure.added_on, self._day(record))))
        self._call(owners, services.measure_bulk_complete, actor=self.actor, measures=pairs)

    def _report_progress(self, records, ids) -> None:
        owners, drafts = [], []
        for position, record in enumerate(records):
            progress = record.values["_plan"].progress
            if progress:
                owners.append(position)
                drafts.append(
                    services.ProgressDraft(
                        problem=_Ref(ids[position]),
                        text=progress[0],
                        percent=progress[1],
                        reported_on=self._day(record),
                    )
                )
        self._call(owners, services.progress_report_bulk_add, actor=self.actor, drafts=drafts)

    def _ask_extensions(self, records) -> None:
        """A moved deadline becomes an extension request (one by one: a ledger moves few)."""
        refused = {}
        for position, record in enumerate(records):
            day = record.values["_plan"].extension
            if day is None:
                continue
            reason = _("据台账（%(day)s）调整整改时限") % {"day": self._day(record).isoformat()}
            try:
                services.extension_request(
                    actor=self.actor,
                    problem=record.obj,
                    new_deadline=day,
                    reason=reason,
                    requested_on=self._day(record),
                )
            except DomainError as error:
                refused[position] = DomainError(error.message, code=error.code, field="deadline")
        if refused:
            raise _Refused(refused)

    def _submit_closeouts(self, records, ids) -> None:
        owners, drafts = [], []
        for position, record in enumerate(records):
            summary = record.values["_plan"].closeout
            if summary:
                owners.append(position)
                drafts.append(
                    services.CloseOutDraft(
                        problem=_Ref(ids[position]),
                        summary=summary,
                        submitted_on=self._day(record),
                        # The ledger says the problem is finished but not that this measure is:
                        # the reviewer reads that, rather than a measure silently left open.
                        other_reason=_("台账（%(day)s）记载问题已整改完成，未单独标注该措施完成")
                        % {"day": self._day(record).isoformat()},
                    )
                )
        if not drafts:
            return
        ledger = ledger_evidence(self.importer.source_data, self.importer.source_name)
        write = (
            services.closeout_bulk_record_accepted
            if self.importer.closeout == "accept"
            else services.closeout_bulk_submit
        )
        self._call(owners, write, actor=self.actor, drafts=drafts, ledger=ledger)
