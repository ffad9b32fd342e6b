"""Create the first agency, its head and its administrator in a fresh installation (ADR 0070)."""

from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sanxiang.core.audit import audit_context
from sanxiang.org import services
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role


class Command(BaseCommand):
    help = "新装系统：建立最高一级执法机构及其第一位负责人和系统管理员（已有负责人或管理员时拒绝）"

    def add_arguments(self, parser):
        parser.add_argument("--agency-name", required=True)
        parser.add_argument("--short-name", required=True)
        parser.add_argument("--level", default="national", choices=["national"])
        parser.add_argument("--credit-code", required=True)
        parser.add_argument("--head", required=True, help="负责人的登录名")
        parser.add_argument("--head-name", required=True, help="负责人姓名")
        parser.add_argument("--admin", required=True, help="系统管理员的登录名")
        parser.add_argument("--admin-name", required=True, help="系统管理员姓名")

    def _password(self, who: str) -> str:
        env = os.environ.get(f"SANXIANG_BOOTSTRAP_{who.upper()}_PASSWORD")
        if env:
            return env
        first = getpass.getpass(f"{who} 的密码：")
        if first != getpass.getpass("再次输入："):
            raise CommandError("两次输入的密码不一致。")
        return first

    def handle(self, *args, **o):
        if Staff.objects.filter(role_grants__role__in=[Role.HEAD, Role.SYSTEM_ADMIN]).exists():
            raise CommandError("系统中已有负责人或系统管理员，请在系统中申请并由负责人批准。")
        head_password, admin_password = self._password("head"), self._password("admin")
        operator = Staff(username="bootstrap", is_superuser=True, is_active=True)
        try:
            with audit_context(channel="command"), transaction.atomic():
                agency = Agency.objects.filter(name=o["agency_name"]).first() or (
                    services.agency_create(
                        actor=operator,
                        parent=None,
                        name=o["agency_name"],
                        short_name=o["short_name"],
                        level=o["level"],
                        credit_code=o["credit_code"],
                    )
                )
                for username, name, role, password in (
                    (o["head"], o["head_name"], Role.HEAD, head_password),
                    (o["admin"], o["admin_name"], Role.SYSTEM_ADMIN, admin_password),
                ):
                    services.staff_create(
                        actor=operator,
                        username=username,
                        agency=agency,
                        roles=[role],
                        password=password,
                        full_name=name,
                    )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS("已建立负责人和系统管理员；两人首次登录时绑定身份验证器。")
        )
