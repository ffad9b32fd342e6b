"""Print an inclusion or consistency proof as the JSON tools/sanxiang_verify.py reads."""

import json

from django.core.management.base import BaseCommand, CommandError

from sanxiang.ledger import selectors


class Command(BaseCommand):
    help = "输出包含证明或一致性证明（JSON，可直接交给 tools/sanxiang_verify.py 验证）"

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        inclusion = kinds.add_parser("inclusion", help="某条记录包含在检查点中的证明")
        inclusion.add_argument("--seq", type=int, required=True, help="记录序号（从 1 计）")
        inclusion.add_argument("--size", type=int, help="检查点的树大小（默认最新检查点）")
        consistency = kinds.add_parser("consistency", help="两个检查点之间只追加未改写的证明")
        consistency.add_argument("--from", dest="old", type=int, required=True, help="旧树大小")
        consistency.add_argument("--to", dest="new", type=int, required=True, help="新树大小")

    def handle(self, *args, kind: str, **options):
        try:
            if kind == "inclusion":
                proof = selectors.inclusion_proof_get(seq=options["seq"], tree_size=options["size"])
            else:
                proof = selectors.consistency_proof_get(
                    old_size=options["old"], new_size=options["new"]
                )
        except selectors.LedgerLookupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(proof, ensure_ascii=False, indent=2))
