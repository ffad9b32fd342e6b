"""Create the checkpoint signing keys if missing (idempotent) and print the verifier keys."""

from django.core.management.base import BaseCommand

from sanxiang.ledger import keys


class Command(BaseCommand):
    help = "生成缺少的检查点签名密钥（已有则保留），并输出供公众核验的公钥"

    def handle(self, *args, **options):
        created = keys.ensure_keys()
        directory = keys.key_dir()
        for algorithm in created:
            self.stdout.write(self.style.SUCCESS(f"已生成 {algorithm} 签名密钥：{directory}"))
        if not created:
            self.stdout.write(f"签名密钥已存在：{directory}")
        self.stdout.write("验证公钥（tools/sanxiang_verify.py --key 所读的格式）：")
        self.stdout.write(keys.verifier_key_file(), ending="")
