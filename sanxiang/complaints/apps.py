"""Complaints and reports (投诉举报): the public channel of 安全生产法 art. 73 — intake on the
portal, verification, reply and conversion into inspections or cases (issue 15, GS-MID-3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "complaint.submit": _("收到网上举报"),
    "complaint.register": _("登记电话、信件或来访举报"),
    "complaint.take": _("受理登记举报"),
    "complaint.decline": _("不予受理举报并答复"),
    "complaint.assign": _("指派举报核查"),
    "complaint.transfer": _("将举报移送有关部门"),
    "complaint.verify": _("记录举报核查结果"),
    "complaint.convert_inspection": _("将举报转为行政检查"),
    "complaint.reply": _("答复举报人并办结"),
    "complaint.escalate": _("涉及人员死亡的举报报告负责人"),
    "complaint.reward": _("认定举报奖励条件"),
    "complaint.link_case": _("记录由举报立案查处的案件"),
    "complaint.files_scan": _("举报附件病毒扫描并去除元数据"),
    "complaint.adopt_file": _("将举报附件采纳为证据"),
}


class ComplaintsConfig(AppConfig):
    name = "sanxiang.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        from sanxiang.core.readable import register_readable
        from sanxiang.ledger.actions import ACTION_LABELS as LEDGER_LABELS
        from sanxiang.registry.timeline import register_timeline_source

        from . import minefile
        from .models import ComplaintFile, ComplaintStep
        from .selectors import complaint_list

        LEDGER_LABELS.update(ACTION_LABELS)
        register_timeline_source(minefile.feeds)  # 一矿一档: reports against the mine

        from sanxiang.enterprise.sections import register_enterprise_section

        from .selectors import complaints_by_mine

        register_enterprise_section(
            key="complaints",
            title=_("投诉"),
            url_name="complaints_enterprise:list",
            summary=lambda account: complaints_by_mine(account.mine).count(),
            order=60,
            description=_("对监管机构及其执法人员的投诉，办理状态和答复。"),
        )

        from . import statistics

        statistics.register()
        for model in (ComplaintStep, ComplaintFile):
            register_readable(
                model._meta.label_lower,
                lambda user, model=model: model.objects.filter(
                    complaint__in=complaint_list(user=user).values("pk")
                ),
            )
