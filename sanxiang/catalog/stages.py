"""The stages of enforcement that document and recording rules attach to (JL-TXT-3b, JL-AV-2).

Workflows built later (inspections, cases) map their states onto these stages and ask the
catalog which documents and recordings each stage requires
(:func:`sanxiang.catalog.selectors.stage_requirements`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    INSPECTION_PLAN = "inspection_plan", _("检查准备（检查方案）")
    ONSITE_INSPECTION = "onsite_inspection", _("现场检查")
    ONSITE_MEASURE = "onsite_measure", _("现场处理")
    CASE_FILING = "case_filing", _("立案")
    INVESTIGATION = "investigation", _("调查取证")
    EVIDENCE_PRESERVATION = "evidence_preservation", _("证据先行登记保存")
    SEALING_SEIZURE = "sealing_seizure", _("查封、扣押")
    SAMPLING = "sampling", _("抽样取证")
    CASE_REPORT = "case_report", _("案件处理呈报")
    PRIOR_NOTICE = "prior_notice", _("告知")
    HEARING = "hearing", _("听证")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    COLLECTIVE_DECISION = "collective_decision", _("集体讨论")
    DECISION = "decision", _("作出决定")
    SERVICE = "service", _("送达")
    EXECUTION = "execution", _("执行")
    CLOSURE = "closure", _("结案")
    SUPERVISION_ADVICE = "supervision_advice", _("监管建议")


class RequirementKind(models.TextChoices):
    DOCUMENT = "document", _("执法文书")
    RECORDING = "recording", _("音像记录")


class Obligation(models.TextChoices):
    REQUIRED = "required", _("必须")
    CONDITIONAL = "conditional", _("视情形")
