"""Create the document CA if missing (idempotent): root, time-stamping unit and CRL (ADR 0200)."""

from django.core.management.base import BaseCommand

from sanxiang.documents import pki


class Command(BaseCommand):
    help = "生成文书签章的证书机构（根证书、时间戳服务证书和证书撤销列表），已有则保留"

    def add_arguments(self, parser):
        parser.add_argument("--name", default="", help="证书机构名称（默认为示例名称）")

    def handle(self, *args, name="", **options):
        directory = pki.signing_dir()
        if pki.ensure_ca(name=name):
            self.stdout.write(self.style.SUCCESS(f"已生成文书签章证书机构：{directory}"))
        else:
            pki.crl()  # re-signs the CRL when it is half expired
            self.stdout.write(f"文书签章证书机构已存在：{directory}")
        self.stdout.write(f"根证书：{directory / (pki.CA_STEM + '.cert.pem')}")
        self.stdout.write(f"证书撤销列表：{directory / pki.CRL_FILE}")
