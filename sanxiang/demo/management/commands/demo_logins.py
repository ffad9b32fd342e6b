"""Print the start banner of ``make run``: the address and one demo login per role.

The logins are read from the database, not written into the script, so the banner lists
exactly the accounts the demo created — every role, with the agency each one works in.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count

from sanxiang.demo.management.commands.demo_load import DEMO_PASSWORD
from sanxiang.org.models import Staff, StaffRole
from sanxiang.org.roles import Role


def demo_logins() -> list[tuple[str, str, str]]:
    """(login, role in words, agency) — the superuser first, then the first account of each role."""
    rows: list[tuple[str, str, str]] = []
    listed: set[str] = set()
    admin = Staff.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is not None:
        rows.append((admin.username, "系统管理员（超级用户）", "全部机构"))
    for role in Role:
        holders = (
            Staff.objects.filter(role_grants__role=role, is_active=True, is_superuser=False)
            .select_related("agency")
            .order_by("username")
        )
        role_counts = dict(
            StaffRole.objects.filter(staff__in=holders)
            .values_list("staff")
            .annotate(n=Count("pk"))
            .values_list("staff", "n")
        )
        holders = sorted(holders, key=lambda staff: (role_counts[staff.pk], staff.username))
        # Two accounts of different agencies, those holding this role alone first (a head who is
        # also an officer is listed as head), then in login order (officer01 before officer19).
        shown = []
        for staff in holders:
            agency_ids = {s.agency_id for s in shown}
            if staff.agency_id not in agency_ids and staff.username not in listed:
                shown.append(staff)
            if len(shown) == 2:
                break
        for staff in shown:
            agency = staff.agency.name if staff.agency else ""
            rows.append((staff.username, str(role.label), agency))
            listed.add(staff.username)
    return rows


def _second_factor_lines() -> list[str]:
    """The demo TOTP secret and the code valid now (ADR 0071)."""
    from django_otp.oath import TOTP

    from sanxiang.org.checks import DEMO_TOTP_BASE32, demo_key_hex

    code = f"{TOTP(bytes.fromhex(demo_key_hex())).token():06d}"
    return [
        "  负责人、法制审核、档案管理、公示编辑和管理员账号另需动态口令：",
        f"    在身份验证器中添加演示密钥 {DEMO_TOTP_BASE32}（基于时间，6位），",
        f"    或使用当前口令 {code}（30秒内有效；重新运行 manage.py demo_logins 可再显示）。",
        "  演示密钥已公开：生产环境 manage.py check --deploy 会因此报错。",
    ]


def _enterprise_lines(url: str) -> list[str]:
    """The demo mine's account (企业端, ADR 0150), signing in at its own page."""
    from sanxiang.demo.enterprise import DEMO_MINE_LOGIN
    from sanxiang.enterprise.models import EnterpriseAccount

    account = EnterpriseAccount.objects.filter(login=DEMO_MINE_LOGIN).select_related("mine").first()
    if account is None:
        return []
    return [
        f"  企业端（煤矿账号）： {url}/enterprise/login/ 登录名 {account.login}，"
        f"密码同上（{account.mine.name}）",
    ]


class Command(BaseCommand):
    help = "显示演示系统的访问地址和各角色的演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, **options):
        lines = ["", f"  三项制度执法平台已启动： {options['url']}"]
        rows = demo_logins()
        if rows:
            lines.append(f"  演示账号（密码均为 {DEMO_PASSWORD}）：")
            width = max(len(login) for login, _, _ in rows) + 2
            for login, role, agency in rows:
                lines.append(f"    {login.ljust(width)}{role}　{agency}")
            lines += _second_factor_lines()
            lines += _enterprise_lines(options["url"])
        lines += [
            f"  接口文档： {options['url']}/api/docs",
            f"  公众门户： {options['url']}/public/",
            "  按 Ctrl-C 停止。",
            "",
        ]
        self.stdout.write("\n".join(lines))
