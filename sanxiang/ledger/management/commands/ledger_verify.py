"""Verify the whole ledger; exit status 1 on any break (details in Chinese or as JSON)."""

import json
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from sanxiang.ledger.checkpoint import NoteError, NoteVerifier
from sanxiang.ledger.verification import verify_ledger


class Command(BaseCommand):
    help = (
        "校验账本：重算每条记录的叶子与整棵树，核验每个检查点（含密钥目录中保存的最新检查点）"
        "的签名与一致性，逐表核对账本覆盖的每一行数据（被改动、没有账本记录、被删除）、"
        "派生的公示检索表，以及每条记录操作人当时的角色。发现问题时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="输出机器可读的 JSON 报告")
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            type=Path,
            metavar="NOTE",
            help="另行保存的已发布检查点文件（可多次给出），日志须与之一致",
        )
        parser.add_argument(
            "--key",
            type=Path,
            help="公钥文件（每行一个验证公钥，同 tools/sanxiang_verify.py）；默认用密钥目录中的公钥",
        )
        parser.add_argument(
            "--skip-objects", action="store_true", help="不逐表核对业务数据与操作人角色"
        )
        parser.add_argument("--workers", type=int, help="并行进程数（默认按 CPU 核数）")
        parser.add_argument(
            "--skip-fixity",
            action="store_true",
            help="不重新核验存储文件（音像证据原件、文书 PDF）",
        )

    def handle(self, *args, **options):
        external = [(f"外部检查点 {path}", self._read(path)) for path in options["checkpoint"]]
        verifiers = self._verifiers(options["key"]) if options["key"] else None
        report = verify_ledger(
            external_checkpoints=external,
            verifiers=verifiers,
            check_objects=not options["skip_objects"],
            workers=options["workers"],
        )
        fixity = None if options["skip_fixity"] else self._fixity()
        if options["json"]:
            result = report.as_dict()
            if fixity is not None:
                result["fixity"] = {
                    "ok": fixity.ok,
                    "checked": fixity.checked,
                    "problems": [problem.as_dict() for problem in fixity.problems],
                }
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.text(), ending="")
            if fixity is not None:
                self.stdout.write(fixity.text())
        if not report.ok or (fixity is not None and not fixity.ok):
            raise CommandError("账本校验未通过。", returncode=1)

    @staticmethod
    def _fixity():
        """JL-USE-3: stored originals re-hashed, so a file changed or lost on disk is named here.

        Only files the records point to count here; stray files nobody refers to (for example
        left by a rolled-back issuance) are reported by ``evidence_fixity``, not as a break.
        """
        if not apps.is_installed("sanxiang.evidence"):
            return None
        report = import_string("sanxiang.evidence.fixity.fixity_report")()
        untracked = import_string("sanxiang.evidence.fixity.UNTRACKED")
        report.problems = [p for p in report.problems if p.kind != untracked]
        return report

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from exc

    def _verifiers(self, path: Path) -> list[NoteVerifier]:
        lines = [line.strip() for line in self._read(path).splitlines()]
        try:
            return [NoteVerifier.from_vkey(line) for line in lines if line and line[0] != "#"]
        except NoteError as exc:
            raise CommandError(f"公钥文件 {path} 格式错误：{exc}") from exc
