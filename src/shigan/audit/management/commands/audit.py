from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shigan.audit.exports import export_verify
from shigan.audit.selectors import audit_verify
from shigan.audit.services import audit_checkpoint_now

PROBLEMS = {
    "missing": "序号 %d 的记录缺失（被删除）",
    "chain": "序号 %d 的记录与上一条的链接不符（前面的记录被改动或删除）",
    "altered": "序号 %d 的记录内容被改动（与审计密钥计算的哈希不符）",
    "rewritten": "序号 %d 的记录与签名检查点不符（此前的记录被改写）",
    "truncated": "从序号 %d 起的记录缺失（记录尾部被截断，签名检查点记到了更后的序号）",
    "checkpoint": "检查点文件中序号 %d 的检查点签名无效（检查点被伪造或改动）",
}


class Command(BaseCommand):
    help = "审计记录：shigan audit verify 校验哈希链"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计记录是否被改动、插入、删除或截断")
        sub.add_parser("checkpoint", help="立即为审计链写一个签名检查点（可每日定时运行）")
        export = sub.add_parser("verify-export", help="校验审计管理员导出的签名文件")
        export.add_argument("file", help="导出的 .jsonl 文件")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify-export":
            return self._verify_export(options["file"])
        if action == "checkpoint":
            heads = audit_checkpoint_now()
            where = "、".join(f"第 {h.shard} 条链序号 {h.seq}" for h in heads) or "审计链为空"
            self.stdout.write(self.style.SUCCESS(f"已写入检查点：{where}。"))
            return
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计记录校验失败：第 {result.shard} 条链中"
                f"{PROBLEMS[result.problem] % result.first_bad_seq}"
                f"（此前 {result.checked} 条完好）"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计记录完好：{result.chains} 条哈希链共 {result.checked} 条，各链连续，"
                f"与 {result.checkpoints} 个签名检查点一致。"
            )
        )

    def _verify_export(self, path: str) -> None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        check = export_verify(data)
        if not check.ok:
            raise CommandError(f"导出文件校验失败：{check.problem}")
        meta = check.meta
        assert meta is not None  # a file whose check passed has its signature line
        self.stdout.write(
            self.style.SUCCESS(
                f"导出文件完好：{meta['since']} 至 {meta['until']} 共 {check.count} 条，"
                f"由 {meta['exported_by']} 于 {meta['exported_at']} 导出，签名有效。"
            )
        )
