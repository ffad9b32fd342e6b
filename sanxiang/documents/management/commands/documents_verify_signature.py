"""Verify the electronic seals and signatures of a PDF offline (pyHanko, the agency CA as
trust root, its CRL), and say whether the ledger recorded the file's digest (ADR 0200)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanxiang.documents.signing import ledger_finds, verify_pdf


class Command(BaseCommand):
    help = "离线核验 PDF 文书的电子印章和电子签名，并核对台账是否记录该文件"

    def add_arguments(self, parser):
        parser.add_argument("pdf", help="PDF 文件路径")

    def handle(self, *args, pdf, **options):
        path = Path(pdf)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{path}") from exc
        report = verify_pdf(data)
        if report.error:
            self.stdout.write(self.style.ERROR(report.error))
        for number, sig in enumerate(report.signatures, 1):
            verdict = self.style.SUCCESS("有效") if sig.valid else self.style.ERROR("无效")
            self.stdout.write(f"签名 {number}：{verdict}")
            self.stdout.write(f"  签名人：{sig.signer or '—'}（证书序列号 {sig.serial or '—'}）")
            self.stdout.write(f"  签名时间：{sig.signed_at or '—'}")
            self.stdout.write(f"  时间戳：{sig.timestamp_at or '无'}")
            self.stdout.write(
                f"  证书状态：{'已撤销（' + str(sig.revoked_at) + '）' if sig.revoked_at else '未撤销'}"
            )
            for problem in sig.problems:
                self.stdout.write(self.style.ERROR(f"  问题：{problem}"))
        document = ledger_finds(data)
        if document is not None:
            self.stdout.write(f"台账：已记录，文书 {document.number.text}")
        else:
            self.stdout.write(self.style.ERROR("台账：没有签发记录与该文件的摘要相符"))
        if not report.valid or document is None:
            raise CommandError("核验不通过")
        self.stdout.write(self.style.SUCCESS("核验通过"))
