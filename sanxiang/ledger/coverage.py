"""Which tables the ledger covers, and how: the one list ``ledger_verify`` walks (ADR 0060).

Every Django model (``apps.get_models(include_auto_created=True)``) is in exactly one of these
tables; ``tests/test_coverage.py`` fails on a model that is in none. A new model is added
here in the same change that adds it:

* :data:`OWN_EVENTS` — each row is an object of its own in the ledger: the service that
  writes it appends an event with ``obj=row`` (the row's digest), and a service that deletes
  it appends one with ``deleted=True``. ``ledger_verify`` walks the whole table and reports
  rows changed since their last event, rows without any event, and rows gone although their
  last event did not delete them.
* :data:`CHILDREN` — rows of a child table (many-to-many links, a catalog version's items,
  a staff member's roles) are listed, with their digests, in every event of their parent
  object: ``ledger_append(obj=parent)`` adds ``details["rows"]`` on its own, so the services
  need not append one event per link. ``ledger_verify`` walks the child table against the
  listing in the parent's last event — or the row's own last event, if it has one that is
  later (a draw's exclusion added by hand is an event of its own).
* :data:`DERIVED` — tables rebuilt from ledgered rows (the portal's search entries); checked
  by rebuilding them from those rows (``ledger/derived.py``).
* :data:`LEDGER_TABLES` — the ledger itself, checked by the scan of every entry and node.
* :data:`EXCLUDED` — deliberately not covered, each with its reason (ADR 0060 repeats the
  table for review).

Columns a covered row changes legitimately outside the services are left out of its digest
(``Model.ledger_excluded_fields``, e.g. ``last_login``); columns holding secrets enter the
digest as a keyed MAC (``Model.ledger_secret_fields``, e.g. ``password``: ``secrets.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

__all__ = [
    "CHILDREN",
    "DERIVED",
    "EXCLUDED",
    "LEDGER_TABLES",
    "OWN_EVENTS",
    "Child",
    "children_of",
    "classify",
    "unclassified_models",
]

OWN_EVENTS: frozenset[str] = frozenset(
    {
        # org
        "org.agency",
        "org.staff",
        "org.certificate",
        "org.legaladviser",
        # ledger: witnessing other instances (ADR 0191)
        "ledger.witnessedlog",
        "ledger.witnessconflict",
        # core
        "core.calendaroverride",
        "core.holidaynotice",
        "core.staffnotice",
        # registry
        "registry.coalmine",
        "registry.person",
        # catalog
        "catalog.catalogversion",
        # documents
        "documents.document",
        "documents.classifiedregistration",
        "documents.borrowrequest",
        "documents.paperscan",
        # evidence
        "evidence.recordingdevice",
        "evidence.recording",
        "evidence.derivedfile",
        "evidence.upload",
        "evidence.retrievalrequest",
        "evidence.accessalert",
        # inspections
        "inspections.enforcementplan",
        "inspections.conflictdeclaration",
        "inspections.randomdraw",
        "inspections.inspectionplan",
        "inspections.inspection",
        # complaints (issue 15)
        "complaints.complaint",
        "inspections.finding",
        "inspections.onsitemeasure",
        "inspections.certificateshowing",
        "inspections.safetyletter",
        "inspections.keymineflag",
        # cases
        "cases.case",
        "cases.proposal",
        "cases.reviewclearance",
        "cases.caseact",
        "cases.statement",
        "cases.servicerecord",
        "cases.payment",
        "cases.appeal",
        "cases.criminaltransfer",
        "cases.casebranch",
        # licensing
        "licensing.application",
        "licensing.licence",
        "licensing.consultation",
        # publicity
        "publicity.publication",
        "publicity.annualreport",
        "publicity.errorreport",
        # review
        "review.review",
        "review.submission",
        "review.checklistanswer",
        "review.inquiry",
        "review.extension",
        "review.opinion",
        "review.contest",
        "review.argument",
        "review.collectivedecision",
        "review.reviewalert",
        # archive: units and each run of the four-property check (ADR 0110)
        "archive.archiveunit",
        "archive.checkrun",
        # archive disposal: holds, appraisals, tombstones (ADR 0130)
        "archive.legalhold",
        "archive.disposalappraisal",
        "archive.disposaltombstone",
        # supervision: 案卷评查 rubrics, campaigns, drawn files, rectifications (ADR 0160)
        "supervision.rubric",
        "supervision.campaign",
        "supervision.evaluationfile",
        "supervision.rectification",
        # api
        "api.apitoken",
        # accounts: privilege requests (ADR 0070), second-factor devices (ADR 0071)
        "org.privilegerequest",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
        # the mines' own accounts (ADR 0150)
        "enterprise.enterpriseaccount",
        "enterprise.serviceconsent",
        "enterprise.electronicdelivery",
        "enterprise.rectificationreport",
        # supervision: training, certificates' applications and 年审, legal qualification
        # (ADR 0165); 督办, accountability, annual assessment (ADR 0166, 0167)
        "supervision.trainingrecord",
        "supervision.trainingrequirement",
        "supervision.certificateapplication",
        "supervision.annualreview",
        "supervision.legalqualification",
        "supervision.supervisionnotice",
        "supervision.accountabilityrecord",
        "supervision.assessmentsheet",
    }
)


@dataclass(frozen=True)
class Child:
    """A child table listed in its parent's events: ``label`` rows whose ``fk`` is the parent,
    or, with ``via``, rows whose ``fk`` is one of the parent's ``via`` rows (a grandchild)."""

    label: str
    fk: str
    via: str = ""


_CATALOG_ITEMS = (
    Child("catalog.violationentry", "version_id"),
    Child("catalog.majordecisionitem", "version_id"),
    Child("catalog.documenttype", "version_id"),
    Child("catalog.stagerule", "version_id"),
    Child("catalog.legalbasis", "version_id"),
    Child("catalog.legalarticle", "basis_id", via="catalog.legalbasis"),
    Child("catalog.discretionbenchmark", "entry_id", via="catalog.violationentry"),
    Child("catalog.poweritem", "version_id"),
    Child("catalog.randominspectionitem", "version_id"),
    Child("catalog.procedureguide", "version_id"),
    Child("catalog.remedyitem", "version_id"),
    Child("catalog.retentionrule", "version_id"),
)

CHILDREN: dict[str, tuple[Child, ...]] = {
    "org.staff": (
        Child("org.staffrole", "staff_id"),
        Child("org.staff_groups", "staff_id"),
        Child("org.staff_user_permissions", "staff_id"),
    ),
    "catalog.catalogversion": _CATALOG_ITEMS,
    "publicity.publication": (
        Child("publicity.publicationversion", "publication_id"),
        Child("publicity.redaction", "publication_id"),
    ),
    "documents.document": (Child("documents.documentnumber", "document"),),
    "licensing.application": (
        Child("licensing.applicationstep", "application_id"),
        Child("licensing.applicationmaterial", "application_id"),
    ),
    "licensing.licence": (Child("licensing.licencechange", "licence_id"),),
    "inspections.randomdraw": (
        Child("inspections.drawexclusion", "draw_id"),
        Child("inspections.drawtask", "draw_id"),
        Child("inspections.drawtask_inspectors", "drawtask_id", via="inspections.drawtask"),
    ),
    "inspections.inspectionplan": (
        Child("inspections.inspectionplan_officers", "inspectionplan_id"),
    ),
    "inspections.inspection": (Child("inspections.inspection_officers", "inspection_id"),),
    "inspections.safetyletter": (Child("inspections.safetyletter_findings", "safetyletter_id"),),
    "cases.case": (
        Child("cases.case_findings", "case_id"),
        Child("cases.case_officers", "case_id"),
    ),
    "cases.caseact": (Child("cases.caseact_officers", "caseact_id"),),
    "supervision.campaign": (
        Child("supervision.campaign_units", "campaign_id"),
        Child("supervision.campaign_evaluators", "campaign_id"),
    ),
    "supervision.evaluationfile": (Child("supervision.evaluationfinding", "file_id"),),
    "cases.servicerecord": (Child("cases.servicerecord_officers", "servicerecord_id"),),
    "evidence.recording": (Child("evidence.recording_officers", "recording_id"),),
    "otp_static.staticdevice": (Child("otp_static.statictoken", "device_id"),),
    "archive.archiveunit": (Child("archive.archiveitem", "unit_id"),),
    "complaints.complaint": (
        Child("complaints.complaintstep", "complaint_id"),
        Child("complaints.complaintfile", "complaint_id"),
    ),
    # archive disposal (ADR 0130)
    "archive.disposalappraisal": (
        Child("archive.disposalline", "appraisal_id"),
        Child("archive.disposalappraisal_appraisers", "disposalappraisal_id"),
    ),
    "review.collectivedecision": (
        Child("review.collectivedecision_participants", "collectivedecision_id"),
    ),
    "enterprise.rectificationreport": (Child("enterprise.rectificationfile", "report_id"),),
    # supervision: an assessment sheet's lines (ADR 0167)
    "supervision.assessmentsheet": (Child("supervision.assessmentline", "sheet_id"),),
}

DERIVED: dict[str, str] = {
    "evidence.recordingrequirement": (
        "法定的全过程记录要求：由数据迁移从 sanxiang/evidence/data/recording_requirements.json "
        "载入，没有修改它的业务服务（管理后台只读）；校验时与该数据文件逐行比对，"
        "多出、缺少或改动的行都会报告。"
    ),
    "publicity.publicentry": (
        "门户的结果公示检索表：由现行公示版本（publicity.publicationversion，逐行记账）生成，"
        "校验时按这些版本重建并逐列比对；SQLite 的全文索引另做 FTS5 完整性检查，"
        "PostgreSQL 的检索向量是生成列，无法单独改写。"
    ),
}

LEDGER_TABLES: frozenset[str] = frozenset(
    {"ledger.ledgerentry", "ledger.treenode", "ledger.checkpoint"}
)

EXCLUDED: dict[str, str] = {
    "complaints.uploadgrant": (
        "公众附件上传凭证：人机验证后签发的一次性凭证（只存令牌摘要），举报提交时用尽；"
        "附件本身在提交时成为逐行记账的 complaints.complaintfile。"
    ),
    "complaints.publicupload": (
        "公众可续传上传任务：传输中的字节进度，随每个分块变化；提交举报时完成的文件"
        "成为逐行记账的 complaints.complaintfile，未提交的过期后清除。"
    ),
    "supervision.statisticscount": (
        "执法统计的按机构、按月计数：在每次写入业务记录的同一事务中由这些逐行记账的记录重新计数，"
        "不是业务记录；manage.py statistics_recount 可随时由记录重建（ADR 0172、0243）。"
    ),
    "complaints.intakemark": (
        "公众受理的频率计数和已用的人机验证：只存客户端地址的带密钥摘要，一天后清除；"
        "是防滥用计数，不是业务记录。"
    ),
    "ledger.cosignature": (
        "见证方对本机关检查点的联署签名行：自证真实（任何人可用见证方公钥核验），与检查点一样不入账本；"
        "被删除只会使公布的检查点少一个联署，下次签署检查点时会重新请求，改动则验签失败。"
    ),
    "documents.numbersequence": (
        "文号分配游标（每个机构、文书种类、年度的最大序号）：只是为下一次分配加锁计数；"
        "分配出的每个文号都是逐行记账的 documents.documentnumber，且有唯一约束，"
        "改动游标只会使下一次分配因重号而失败，不会使已有文号在账外改变。"
    ),
    "archive.archivalcodesequence": (
        "档号分配游标（每个机构、案卷类别、年度的最大案卷号）：只是为下一次分配加锁计数；"
        "分配出的每个档号都记在逐行记账的 archive.archiveunit 上，且有唯一约束，"
        "改动游标只会使下一次分配因重号而失败，不会使已有档号在账外改变。"
    ),
    "admin.logentry": (
        "Django 管理后台自带的操作日志：只是便利记录，后台的每次写入都经由业务服务并记账；"
        "权威记录是账本。"
    ),
    "auth.permission": (
        "Django 框架的权限定义，由迁移生成。本系统按角色（org.staffrole，已覆盖）授权，"
        "人员与权限、用户组的关联（org.staff_user_permissions、org.staff_groups）已覆盖。"
    ),
    "auth.group": "Django 用户组：本系统不使用；人员加入用户组的关联（org.staff_groups）已覆盖。",
    "auth.group_permissions": (
        "用户组的权限：本系统不使用用户组；人员加入用户组的关联（org.staff_groups）已覆盖，"
        "没有人员的用户组不授予任何权限。"
    ),
    "contenttypes.contenttype": "Django 框架的模型登记表，由迁移生成，不含业务数据。",
    "sessions.session": "登录会话：随每次请求变化的临时数据；登录、退出由认证组件处理，不是业务状态。",
    "axes.accessattempt": "登录失败计数（django-axes）：随每次登录尝试变化的临时数据，用于锁定。",
    "axes.accessattemptexpiration": "登录失败计数的过期时间（django-axes），临时数据。",
    "axes.accessfailurelog": "登录失败日志（django-axes），临时数据。",
    "axes.accesslog": "登录日志（django-axes），临时数据，随每次登录、退出变化。",
    "core.tasklease": (
        "后台任务的租约（ADR 0082）：运行中的任务由心跳不断续期，随执行进度变化的临时数据；"
        "任务本身调用业务服务，其效果逐条记账。"
    ),
    "core.taskeffect": (
        "后台任务已提交效果的标记（ADR 0082）：只用于让重跑的任务不再重复执行；"
        "任务的效果由它调用的业务服务逐条记账，删除或伪造标记最多使任务重跑或不跑，"
        "重跑时业务服务自身的前置条件仍然拒绝重复操作。"
    ),
    "core.storedobject": (
        "对象存储中原件的版本号（ADR 0180）：只指明读取哪一个版本；原件内容由其所属记录的"
        "账本事件中的摘要担保，固定性核验按版本重新计算摘要，改写此行只会指向摘要不符的版本"
        "而被发现；本地存储没有此表的行。"
    ),
    "django_tasks_database.dbtaskresult": (
        "后台任务队列的状态（django-tasks-db）：任务本身调用业务服务，其效果逐条记账；"
        "队列行随执行进度变化。"
    ),
}


def classify(label: str) -> str | None:
    """``own``, ``child``, ``derived``, ``ledger``, ``excluded`` or None (unclassified)."""
    if label in OWN_EVENTS:
        return "own"
    if label in _CHILD_PARENT:
        return "child"
    if label in DERIVED:
        return "derived"
    if label in LEDGER_TABLES:
        return "ledger"
    if label in EXCLUDED:
        return "excluded"
    return None


_CHILD_PARENT: dict[str, tuple[str, str]] = {
    child.label: (parent, child.fk) for parent, kids in CHILDREN.items() for child in kids
}


def parent_of(label: str) -> tuple[str, str] | None:
    """``(carrier label, fk)`` of a direct child table, or None."""
    return _CHILD_PARENT.get(label)


def children_of(label: str) -> tuple[Child, ...]:
    return CHILDREN.get(label, ())


def all_models() -> list[type[models.Model]]:
    return list(apps.get_models(include_auto_created=True))


def unclassified_models() -> list[str]:
    return sorted(
        m._meta.label_lower for m in all_models() if classify(m._meta.label_lower) is None
    )


def classified_twice() -> list[str]:
    groups = [
        set(OWN_EVENTS),
        set(_CHILD_PARENT),
        set(DERIVED),
        set(LEDGER_TABLES),
        set(EXCLUDED),
    ]
    seen: dict[str, int] = {}
    for group in groups:
        for label in group:
            seen[label] = seen.get(label, 0) + 1
    return sorted(label for label, n in seen.items() if n > 1)
