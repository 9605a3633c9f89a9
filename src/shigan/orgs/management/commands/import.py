"""shigan import KIND FILE --unit CODE|PATH [--campaign ID] [--mode all|valid] [--dry-run]
[--as-of DATE]: the same import the pages run (the same job, the same checks, the preview with
--dry-run), from the command line, with a progress bar."""

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from shigan.accounts.system import system_actor
from shigan.core.jobs import job_create
from shigan.core.spreadsheets.importers import ImportMode
from shigan.orgs.imports import UnitIndex
from shigan.orgs.management.commands.units import Command as UnitsCommand
from shigan.orgs.models import Unit

# What one types → the job kind the apps register (see their jobs.py).
KINDS = {
    "problems": "problems.ledger.import",
    "people": "orgs.people.import",
    "units": "orgs.units.import",
    "memberships": "orgs.memberships.import",
    "participations": "campaigns.participations.import",
    "study": "study.activities.import",
    "research": "research.topics.import",
    "research-trips": "research.trips.import",
    "research-results": "research.results.import",
    "tasks": "initiatives.key_tasks.import",
    "milestones": "initiatives.milestones.import",
    "projects": "initiatives.projects.import",
    "livelihood": "initiatives.livelihood.import",
    "petitions": "petitions.petitions.import",
}


def find_unit(text: str) -> Unit:
    """A unit by its number, its division code (2–12 digits) or its "上级/名称" path."""
    text = text.strip()
    if text.isdigit() and len(text) < 6:
        unit = Unit.objects.filter(pk=int(text)).first()
        if unit is not None:
            return unit
    if text.isdigit():
        unit = Unit.objects.filter(division_code=text.ljust(12, "0")).order_by("path").first()
        if unit is not None:
            return unit
    parts = [p for p in text.replace("／", "/").split("/") if p]
    roots = Unit.objects.filter(depth=1, name=parts[0]) if parts else Unit.objects.none()
    if not roots:
        raise CommandError(f"找不到单位“{text}”：请写单位编号、行政区划代码或“上级/名称”路径。")
    root = roots.first()
    assert root is not None  # roots is not empty
    if len(parts) == 1:
        return root
    try:
        return UnitIndex(root).resolve("/".join(parts[1:]))
    except Exception as error:  # CellError: its message names the near misses
        raise CommandError(getattr(error, "message", str(error))) from None


class Command(UnitsCommand):
    help = (
        "导入表格：shigan import 种类 文件 --unit 单位 [--campaign 编号] [--mode all|valid] "
        "[--dry-run] [--as-of 日期]。种类：" + "、".join(KINDS)
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="导入什么")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--unit", required=True, help="导入到哪个单位：单位编号、行政区划代码或路径"
        )
        parser.add_argument("--campaign", type=int, help="主题教育编号（不填为该单位最近的一次）")
        parser.add_argument("--agent", type=int, help="信访代办员编号（导入信访件时）")
        parser.add_argument(
            "--mode",
            choices=[m.value for m in ImportMode],
            default=ImportMode.ALL_OR_NOTHING,
            help="all：全部正确才导入（默认）；valid：只导入正确的行",
        )
        parser.add_argument("--dry-run", action="store_true", help="只预检，不写入")
        parser.add_argument(
            "--closeout",
            choices=["request", "accept"],
            help="问题台账中“已完成”的行：request 提交销号申请（默认）；accept 按台账直接销号",
        )
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            help="台账日期 YYYY-MM-DD（表格中没有“填报日期”时用）",
        )
        parser.add_argument("--report", type=Path, help="有错误时，把错误报告写到这个文件")

    # Its own arguments: this command shares only `_run` and `_report` with `units`.
    def handle(  # type: ignore[override]
        self, *args: Any, kind: str, file: Path, unit: str, report: Path | None, **options: Any
    ) -> None:
        if not file.exists():
            raise CommandError(f"找不到文件：{file}")
        params: dict[str, object] = {
            "mode": options["mode"],
            "dry_run": options["dry_run"],
            "as_of": options["as_of"].isoformat() if options["as_of"] else None,
        }
        for key in ("campaign", "agent", "closeout"):
            if options[key] is not None:
                params[key] = options[key]
        try:
            job = job_create(
                actor=system_actor("命令行 shigan import"),
                kind=KINDS[kind],
                params=params,
                unit=find_unit(unit),
                upload=file.read_bytes(),
                upload_name=file.name,
            )
        except CommandError:
            raise
        except Exception as error:  # DomainError: e.g. a kind no app registered
            raise CommandError(getattr(error, "message", str(error))) from None
        job = self._run(job)
        self._report(job, report)
