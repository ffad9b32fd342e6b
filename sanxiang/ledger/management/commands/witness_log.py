"""Start (or update) witnessing another instance's log: its origin, name and keys.txt (ADR 0191)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.ledger import witness
from sanxiang.ledger.cosignature import witness_verifier


class Command(BaseCommand):
    help = "登记为其见证的账本（账本来源、机构名称、公钥文件），并输出本机关的见证公钥"

    def add_arguments(self, parser):
        parser.add_argument("--origin", required=True, help="被见证账本的来源名")
        parser.add_argument("--name", required=True, help="被见证机构的名称")
        parser.add_argument(
            "--keys", required=True, type=Path, help="被见证账本的公钥文件 keys.txt"
        )
        parser.add_argument("--hash", default="sm3", choices=["sm3", "sha256"], help="其哈希算法")

    def handle(self, *args, origin, name, keys, hash, **options):
        try:
            witness.register_log(
                origin=origin,
                name=name,
                verifier_keys=keys.read_text(encoding="utf-8"),
                hash_name=hash,
            )
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已登记见证：{name}（{origin}）"))
        self.stdout.write("本机关的见证公钥（交被见证机关配置 SANXIANG_WITNESSES）：")
        self.stdout.write(witness_verifier().vkey())
