"""Chinese labels of ledger actions, for the history shown on every object's page."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "agency.create": _("新增执法机构"),
    "agency.update": _("修改执法机构"),
    "staff.create": _("新增工作人员"),
    "staff.update": _("修改工作人员"),
    "certificate.issue": _("登记执法证"),
    "certificate.status": _("变更执法证状态"),
    "adviser.create": _("登记法律顾问"),
    "mine.create": _("登记煤矿"),
    "mine.update": _("修改煤矿信息"),
    "person.create": _("登记自然人"),
    "person.update": _("修改自然人信息"),
    "calendar.notice": _("录入节假日安排通知"),
    "calendar.override": _("调整工作日"),
    "api_token.create": _("签发接口令牌"),
    "document.issue": _("签发执法文书"),
    "document.void": _("作废执法文书"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
