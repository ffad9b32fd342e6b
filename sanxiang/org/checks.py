"""Deployment check: no second-factor device may still hold the published demo secret."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

#: The demo accounts' TOTP secret, printed in README.md and by tools/run-server.sh.
#: Base32 (what people type): ``SANX IANG DEMO TOTP SANX IANG DEMO TOTP``.
DEMO_TOTP_BASE32 = "SANXIANGDEMOTOTPSANXIANGDEMOTOTP"


def demo_key_hex() -> str:
    import base64

    return base64.b32decode(DEMO_TOTP_BASE32 + "=" * (-len(DEMO_TOTP_BASE32) % 8)).hex()


@checks.register(checks.Tags.security, deploy=True)
def no_demo_second_factor(app_configs=None, **kwargs):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        count = TOTPDevice.objects.filter(key=demo_key_hex()).count()
    except DatabaseError:
        return []  # no database yet: nothing can hold the secret
    if not count:
        return []
    return [
        checks.Error(
            f"有 {count} 个账号的动态口令仍使用演示密钥（README 中公开），不能用于生产。",
            hint="删除演示数据，或由管理员重置这些账号的动态口令后让本人重新绑定。",
            id="sanxiang.E071",
        )
    ]
