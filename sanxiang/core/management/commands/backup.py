"""``manage.py backup``: the database, a manifest of stored originals, public keys and the
latest signed checkpoint (ADR 0182). ``--signing-keys DIR`` copies the signing keys apart."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core import backup


class Command(BaseCommand):
    help = (
        "备份：数据库（SQLite 在线备份或 pg_dump）、存储原件清单（含摘要与对象版本号）、"
        "账本公钥与最新签名检查点；本地存储时连同原件。签名私钥不在其中，用 --signing-keys 另行备份。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None, help="备份存放目录（默认 数据目录/backups）"
        )
        parser.add_argument(
            "--signing-keys",
            type=Path,
            metavar="DIR",
            help="只把签名密钥复制到 DIR（离线介质），不做其他备份",
        )

    def handle(self, *args, **options):
        if options["signing_keys"]:
            names = backup.signing_keys_copy(options["signing_keys"])
            self.stdout.write(f"已复制 {len(names)} 个密钥文件到 {options['signing_keys']}")
            return
        try:
            target = backup.backup_create(options["output"] or backup.default_output())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(target))
