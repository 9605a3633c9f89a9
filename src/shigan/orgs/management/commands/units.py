import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from shigan.accounts.system import system_actor
from shigan.core.jobs import job_create, job_run
from shigan.core.models import Job
from shigan.core.spreadsheets.importers import ImportMode
from shigan.orgs.models import Unit


class ProgressBar:
    """A one-line text progress bar on the command's stdout."""

    def __init__(self, stream: OutputWrapper, width: int = 40) -> None:
        self.stream, self.width, self.started = stream, width, time.perf_counter()

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            filled = int(self.width * min(done, total) / total)
            bar = "█" * filled + "·" * (self.width - filled)
            line = f"\r[{bar}] {done}/{total} ({done * 100 // total}%)"
        else:
            line = f"\r{done} 行"
        self.stream.write(line, ending="")
        self.stream.flush()

    def end(self) -> None:
        self.stream.write(f"  用时 {time.perf_counter() - self.started:.1f} 秒")


class Command(BaseCommand):
    help = (
        "单位表格：shigan units import 文件 --under 单位编号 [--mode all|valid]；"
        "shigan units export --unit 单位编号 -o 文件（.xlsx 或 .csv）"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="把表格中的单位导入到某单位之下")
        imp.add_argument("file", type=Path)
        imp.add_argument("--under", type=int, required=True, help="导入到哪个单位之下（单位编号）")
        imp.add_argument(
            "--mode",
            choices=[m.value for m in ImportMode],
            default=ImportMode.ALL_OR_NOTHING,
            help="all：全部正确才导入（默认）；valid：只导入正确的行",
        )
        imp.add_argument("--report", type=Path, help="有错误时，把错误报告写到这个文件")
        imp.add_argument("--sheet", choices=["units", "memberships"], default="units")
        exp = sub.add_parser("export", help="导出某单位及其全部下级单位")
        exp.add_argument("--unit", type=int, required=True, help="单位编号")
        exp.add_argument("-o", "--output", type=Path, required=True, help="输出文件 .xlsx 或 .csv")
        exp.add_argument("--sheet", choices=["units", "memberships"], default="units")

    def _unit(self, pk: int) -> Unit:
        unit = Unit.objects.filter(pk=pk).first()
        if unit is None:
            raise CommandError(f"没有编号为 {pk} 的单位。")
        return unit

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import":
            self._import(**options)
        else:
            self._export(**options)

    def _run(self, job: Job) -> Job:
        bar = ProgressBar(self.stdout)
        job = job_run(job_id=job.pk, progress=bar)
        bar(job.done, job.total or job.done)
        bar.end()
        return job

    def _import(
        self, *, file: Path, under: int, mode: str, report: Path | None, sheet: str, **options: Any
    ) -> None:
        unit = self._unit(under)
        if not file.exists():
            raise CommandError(f"找不到文件：{file}")
        job = job_create(
            actor=system_actor(f"命令行 shigan units 导入 {sheet}"),
            kind=f"orgs.{sheet}.import",
            params={"mode": mode},
            unit=unit,
            upload=file.read_bytes(),
            upload_name=file.name,
        )
        job = self._run(job)
        self._report(job, report)

    def _report(self, job: Job, report: Path | None) -> None:
        """An import job's outcome: notes, every bad cell, the error report, the counts."""
        summary = job.summary or {}
        for note in summary.get("notes", ()):
            self.stdout.write(note)
        for error in summary.get("error_list", ()):
            where = f"第 {error['row']} 行" if error["row"] else "文件"
            column = f" {error['letter']}列（{error['column']}）" if error["column"] else ""
            self.stdout.write(f"{where}{column}：{error['value']} — {error['message']}")
        if summary.get("errors") and report:
            with job.result_file.open("rb") as handle:
                report.write_bytes(handle.read())
            self.stdout.write(f"错误报告：{report}")
        if job.state == "failed":
            raise CommandError(job.message)
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.message}（读取 {summary.get('total', 0)} 行，新增 "
                f"{summary.get('created', 0)}，更新 {summary.get('updated', 0)}，未变 "
                f"{summary.get('unchanged', 0)}，有错误 {summary.get('rejected', 0)} 行）"
            )
        )

    def _export(self, *, unit: int, output: Path, sheet: str, **options: Any) -> None:
        target = self._unit(unit)
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        job = job_create(
            actor=system_actor(f"命令行 shigan units 导出 {sheet}"),
            kind=f"orgs.{sheet}.export",
            params={"format": fmt},
            unit=target,
        )
        job = self._run(job)
        if job.state == "failed":
            raise CommandError(job.message)
        with job.result_file.open("rb") as handle:
            output.write_bytes(handle.read())
        self.stdout.write(self.style.SUCCESS(f"已导出 {job.summary.get('rows', 0)} 行到 {output}"))
