"""Ask the configured witnesses to cosign the latest checkpoint (ADR 0191); exit 1 if one refused."""

from django.core.management.base import BaseCommand, CommandError

from sanxiang.ledger import cosigning


class Command(BaseCommand):
    help = "请 SANXIANG_WITNESSES 中的见证方联署最新检查点"

    def handle(self, *args, **options):
        if not cosigning.witnesses():
            raise CommandError("未配置见证方（SANXIANG_WITNESSES）。")
        results = cosigning.request_cosignatures()
        for name, status in results.items():
            self.stdout.write(f"{name}: {'已联署' if status == 200 else f'未联署（{status}）'}")
        if any(status != 200 for status in results.values()):
            raise CommandError("有见证方未联署，详见日志。")
