"""Issue an API token from the server (ADR 0075): personal (``--user``) or for a docking
station (``--device`` with ``--issuer``, a custodian). The raw token is printed once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanxiang.api.tokens import (
    ALL_SCOPES,
    DEFAULT_VALID_DAYS,
    api_token_create,
    api_token_create_for_device,
)
from sanxiang.core.audit import audit_context
from sanxiang.org.models import Staff


class Command(BaseCommand):
    help = "签发接口令牌（令牌只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="令牌用途")
        parser.add_argument("--user", help="个人令牌的持有人（登录名）")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            help=f"权限范围，可重复：{', '.join(sorted(ALL_SCOPES))}",
        )
        parser.add_argument("--device", help="设备令牌绑定的执法记录仪序列号")
        parser.add_argument("--issuer", help="签发设备令牌的音像记录管理员（登录名）")
        parser.add_argument("--days", type=int, default=DEFAULT_VALID_DAYS, help="有效天数")

    def _staff(self, username: str) -> Staff:
        staff = Staff.objects.filter(username=username).first()
        if staff is None:
            raise CommandError(f"没有登录名为 {username} 的工作人员。")
        return staff

    def handle(self, *args, **options):
        try:
            if options["device"]:
                from sanxiang.evidence.models import RecordingDevice

                if not options["issuer"]:
                    raise CommandError("设备令牌须用 --issuer 指明签发的音像记录管理员。")
                issuer = self._staff(options["issuer"])
                device = RecordingDevice.objects.filter(
                    serial_number__iexact=options["device"]
                ).first()
                with audit_context(actor=issuer, channel="command"):
                    _token, raw = api_token_create_for_device(
                        actor=issuer,
                        device=device,
                        name=options["name"],
                        valid_days=options["days"],
                    )
            else:
                if not options["user"]:
                    raise CommandError("请用 --user 指明令牌持有人，或用 --device 签发设备令牌。")
                holder = self._staff(options["user"])
                with audit_context(actor=holder, channel="command"):
                    _token, raw = api_token_create(
                        actor=holder,
                        name=options["name"],
                        scopes=options["scope"],
                        valid_days=options["days"],
                    )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
