"""Re-hash every stored original (JL-USE-3); exit status 1 when any changed, went missing or is
untracked. Run it from cron or a systemd timer; each run is recorded in the ledger."""

import json

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.audit import audit_context
from sanxiang.evidence.fixity import fixity_check, fixity_report


class Command(BaseCommand):
    help = "存储固定性核验：重新计算每个原始文件的 SHA-256 与 SM3，报告被改动、缺失或未登记的文件。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="输出机器可读的 JSON 报告")
        parser.add_argument("--no-ledger", action="store_true", help="只报告，不记入账本")

    def handle(self, *args, **options):
        with audit_context(channel="command"):
            report = fixity_report() if options["no_ledger"] else fixity_check()
        if options["json"]:
            payload = {
                "checked": report.checked,
                "bytes": report.bytes_checked,
                "problems": [p.as_dict() for p in report.problems],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.text())
        if not report.ok:
            raise CommandError("固定性核验未通过。", returncode=1)
