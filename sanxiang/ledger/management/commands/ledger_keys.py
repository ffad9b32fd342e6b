"""Create the checkpoint signing keys if missing (idempotent) and print the verifier keys;
with ``--rotate``, retire them for a new pair announced by a signed statement (ADR 0190)."""

from django.core.management.base import BaseCommand, CommandError

from sanxiang.ledger import keys, rotation


class Command(BaseCommand):
    help = "生成缺少的检查点签名密钥（已有则保留），并输出供公众核验的公钥；--rotate 更替密钥"

    def add_arguments(self, parser):
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="更替签名密钥：旧密钥签署声明，新密钥此后签署检查点",
        )

    def handle(self, *args, rotate=False, **options):
        directory = keys.key_dir()
        if rotate:
            try:
                number, statement = rotation.rotate_keys()
            except rotation.KeyRotationError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"已完成第 {number} 次密钥更替：{directory}"))
            self.stdout.write(
                f"旧私钥已移至 {directory / rotation.RETIRED / f'{number:04d}'}，"
                "请转移到离线介质保存后从服务器删除。"
            )
            self.stdout.write("更替声明（旧密钥和新密钥共同签署）：")
            self.stdout.write(statement, ending="")
        else:
            created = keys.ensure_keys()
            for algorithm in created:
                self.stdout.write(self.style.SUCCESS(f"已生成 {algorithm} 签名密钥：{directory}"))
            if not created:
                self.stdout.write(f"签名密钥已存在：{directory}")
        self.stdout.write("验证公钥（tools/sanxiang_verify.py --key 所读的格式）：")
        self.stdout.write(keys.verifier_key_file(), ending="")
