"""The mines' own accounts (企业端): a separate realm from staff in which a coal mine sees
only its own applications, results, served documents and rectification orders (issue 15)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "sanxiang.enterprise"
    label = "enterprise"
    verbose_name = _("企业端")

    def ready(self) -> None:
        from . import realm  # noqa: F401  (signal receivers)
        from .sections import register_enterprise_section

        def _orders(account):
            from .selectors import order_list

            return order_list(account=account).filter(verification="").count()

        def _served(account):
            from .selectors import delivery_list

            return delivery_list(account=account).count()

        register_enterprise_section(
            key="orders",
            title=_("整改指令"),
            url_name="enterprise:order_list",
            summary=_orders,
            order=10,
            description=_("责令限期整改等有期限的现场处理措施，在此提交整改报告。"),
        )
        register_enterprise_section(
            key="served",
            title=_("送达文书"),
            url_name="enterprise:delivery_list",
            summary=_served,
            order=20,
            description=_("向本企业电子送达的执法文书，到达本账号即为送达。"),
        )
        register_enterprise_section(
            key="results",
            title=_("公示结果"),
            url_name="enterprise:results",
            order=30,
            description=_("对本企业作出并已公示的执法结果。"),
        )
        register_enterprise_section(
            key="account",
            title=_("账号安全"),
            url_name="enterprise:account",
            order=90,
            description=_("修改密码、绑定身份验证器。"),
        )
