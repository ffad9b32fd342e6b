"""``manage.py restore BACKUP --published-checkpoint FILE|URL``: onto an empty installation
only; a backup older than the published checkpoint is refused (ADR 0182)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core import backup


class Command(BaseCommand):
    help = (
        "从备份恢复到空的安装。须给出已发布的检查点（运营方保存的文件，或门户透明度页面的网址）："
        "备份中的账本早于它（回退的历史）则拒绝；恢复后核验账本与全部原件，有问题即失败。"
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="备份目录（manage.py backup 的输出）")
        parser.add_argument(
            "--published-checkpoint",
            required=True,
            metavar="FILE_OR_URL",
            help="已发布的检查点：文件，或门户透明度页面网址（…/ledger/ 或 …/ledger/checkpoint.txt）",
        )
        parser.add_argument(
            "--signing-keys", type=Path, metavar="DIR", help="另行备份的签名密钥目录"
        )

    def handle(self, *args, **options):
        try:
            report = backup.restore(
                options["backup"],
                published_reference=options["published_checkpoint"],
                signing_keys=options["signing_keys"],
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"已恢复：账本 {report.tree_size} 条记录（已发布检查点 {report.published_size} 条），"
            f"原件 {report.objects} 个。"
        )
        self.stdout.write(report.fixity_text)
        if report.problems:
            for problem in report.problems[:50]:
                self.stderr.write(problem)
            raise CommandError("恢复后的核验未通过。", returncode=1)
        self.stdout.write("账本核验与固定性核验均通过。")
