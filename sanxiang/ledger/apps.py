from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "sanxiang.ledger"
    label = "ledger"
    verbose_name = _("存证账本")
