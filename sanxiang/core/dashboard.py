"""The home page leads with one's own work (issue 13, item 6), per role, before the figures:

- a head: what waits for his approval — inspection plans, enforcement plans, filings, case
  reports, publications, retrieval requests;
- a custodian: pending retrieval and borrow requests, open access alerts, the last fixity check;
- a custodian or a head: archive units whose filing deadline has passed or is near;
- a publicity editor: drafts due soon and overdue;
- an officer: his deadlines (cases, follow-ups, replies to his letters, scans of documents
  signed by hand on site not yet attached: ADR 0233), soonest first.

Each part reads through the apps' own selectors, cut to what the user may see.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

DUE_SOON_DAYS = 7


@dataclass
class Item:
    title: str
    url: str
    note: str = ""
    due: datetime.date | None = None
    overdue: bool = False


@dataclass
class Group:
    label: str
    items: list[Item] = field(default_factory=list)
    more_url: str = ""


def _head(user: Staff) -> bool:
    return is_superuser(user) or user.has_role(Role.HEAD)


def approvals(*, user: Staff) -> list[Group]:
    """What waits for a head's approval, in his scope."""
    if not _head(user):
        return []
    from sanxiang.archive.models import UnitStatus
    from sanxiang.archive.selectors import unit_list
    from sanxiang.cases.selectors import case_list
    from sanxiang.cases.workflow import CaseStatus
    from sanxiang.evidence.selectors import retrieval_pending_for
    from sanxiang.inspections.letters import pending_approval
    from sanxiang.inspections.selectors import enforcement_plan_list, plan_list
    from sanxiang.inspections.workflow import EnforcementPlanStatus, PlanStatus
    from sanxiang.publicity.models import Publication
    from sanxiang.publicity.workflow import PublicationStatus

    groups = [
        Group(
            _("检查方案待批准"),
            [
                Item(str(p), reverse("inspections:plan_detail", args=[p.pk]))
                for p in plan_list(user=user, status=PlanStatus.SUBMITTED).order_by("pk")[:10]
            ],
            reverse("inspections:plan_list") + "?status=submitted",
        ),
        Group(
            _("监察执法计划待批准"),
            [
                Item(p.title, reverse("inspections:enforcement_plan_approve", args=[p.pk]))
                for p in enforcement_plan_list(user=user)
                .filter(status=EnforcementPlanStatus.DRAFT)
                .order_by("pk")[:10]
            ],
        ),
        Group(
            _("立案待批"),
            [
                Item(c.cause, reverse("cases:detail", args=[c.pk]))
                for c in case_list(user=user, status=CaseStatus.FILING_PENDING).order_by("pk")[:10]
            ],
        ),
        Group(
            _("案件处理呈报待批"),
            [
                Item(c.cause, reverse("cases:detail", args=[c.pk]))
                for c in case_list(user=user, status=CaseStatus.REPORTED).order_by("pk")[:10]
            ],
        ),
        Group(
            _("结果公示待批准发布或撤下"),
            [
                Item(p.title, reverse("publicity:detail", args=[p.pk]))
                for p in Publication.objects.restrict(user)
                .filter(
                    Q(status=PublicationStatus.REVIEWED)
                    | Q(status=PublicationStatus.WITHDRAWAL_PENDING)
                )
                .order_by("due_on", "pk")[:10]
            ],
        ),
        Group(
            _("安全监管建议书、安全管理意见书待批准签发"),
            [
                Item(str(letter), reverse("inspections:letter_detail", args=[letter.pk]))
                for letter in pending_approval(user=user)[:10]
            ],
        ),
        Group(
            _("调阅申请待审批"),
            [
                Item(
                    _("%(who)s 调阅 %(n)s") % {"who": r.requester, "n": r.number},
                    reverse("evidence:retrieval_decide", args=[r.pk]),
                    r.purpose,
                )
                for r in retrieval_pending_for(user=user)[:10]
            ],
        ),
        Group(
            _("档案待批准归档"),
            [
                Item(u.title, reverse("archive:unit_detail", args=[u.pk]), u.get_kind_display())
                for u in unit_list(user=user, status=UnitStatus.SUBMITTED).order_by("pk")[:10]
            ],
            reverse("archive:unit_list") + "?status=submitted",
        ),
        Group(_("借阅申请待审批"), _borrow_items(user), reverse("documents:borrow_list")),
    ]
    return [g for g in groups if g.items]


def _borrow_items(user: Staff) -> list[Item]:
    """Borrow requests (借阅, ADR 0123) waiting for this head's or custodian's decision."""
    from sanxiang.documents.selectors import borrow_pending_for

    return [
        Item(
            _("%(who)s 借阅《%(d)s》") % {"who": r.requester, "d": r.subject_label},
            reverse("documents:borrow_decide", args=[r.pk]),
            r.purpose,
        )
        for r in borrow_pending_for(user=user)[:10]
    ]


@dataclass
class Custody:
    retrievals: list[Item]
    borrows: list[Item]
    open_alerts: int
    fixity: dict | None  # the last fixity check: when, files checked, problems


def custody(*, user: Staff) -> Custody | None:
    if not (is_superuser(user) or user.has_role(Role.CUSTODIAN)):
        return None
    from sanxiang.evidence.selectors import alert_list, retrieval_pending_for
    from sanxiang.ledger.models import LedgerEntry

    last = LedgerEntry.objects.filter(action="evidence.fixity").order_by("-seq").first()
    fixity = None
    if last is not None:
        details = json.loads(last.body).get("details") or {}
        fixity = {
            "when": last.recorded_at,
            "checked": details.get("checked", 0),
            "problems": details.get("problems_total", len(details.get("problems", []))),
        }
    return Custody(
        retrievals=[
            Item(
                _("%(who)s 调阅 %(n)s") % {"who": r.requester, "n": r.number},
                reverse("evidence:retrieval_decide", args=[r.pk]),
                r.purpose,
            )
            for r in retrieval_pending_for(user=user)[:10]
        ],
        borrows=_borrow_items(user),
        open_alerts=alert_list(user=user, open_only=True).count(),
        fixity=fixity,
    )


def drafts_due(*, user: Staff, today: datetime.date) -> list[Item]:
    """A publicity editor's drafts, overdue first, then those due within a week."""
    if not (is_superuser(user) or user.has_role(Role.PUBLICITY_EDITOR)):
        return []
    from sanxiang.publicity.models import Publication
    from sanxiang.publicity.workflow import PREPARING

    rows = (
        Publication.objects.restrict(user)
        .filter(status__in=PREPARING, live_version__isnull=True)
        .filter(due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .order_by("due_on", "pk")[:15]
    )
    return [
        Item(
            p.title,
            reverse("publicity:detail", args=[p.pk]),
            p.get_status_display(),
            p.due_on,
            p.due_on < today,
        )
        for p in rows
    ]


def my_deadlines(*, user: Staff, today: datetime.date) -> list[Item]:
    """An officer's running time limits: his cases' and his inspections' follow-ups, and the
    scans of on-site documents signed by hand on paper still missing (ADR 0233)."""
    if not user.has_role(Role.OFFICER):
        return []
    from sanxiang.cases.models import Case
    from sanxiang.cases.selectors import case_deadlines
    from sanxiang.cases.workflow import FINAL
    from sanxiang.inspections.letters import replies_due
    from sanxiang.inspections.selectors import follow_ups_due

    items = []
    cases = Case.objects.restrict(user).filter(officers=user).exclude(status__in=FINAL)
    for case in cases.distinct()[:100]:
        for deadline in case_deadlines(case):
            items.append(
                Item(
                    case.cause,
                    reverse("cases:detail", args=[case.pk]),
                    str(deadline.label),
                    deadline.date,
                    deadline.date < today,
                )
            )
    for measure in follow_ups_due(user=user)[:20]:
        items.append(
            Item(
                str(measure.inspection.mine),
                reverse("inspections:inspection_detail", args=[measure.inspection_id]),
                _("整改复查"),
                measure.due_on,
                measure.due_on < today,
            )
        )
    for letter in replies_due(user=user, until=today + datetime.timedelta(days=DUE_SOON_DAYS))[:20]:
        items.append(
            Item(
                str(letter),
                reverse("inspections:letter_detail", args=[letter.pk]),
                _("建议书、意见书待回复"),
                letter.reply_due,
                letter.reply_due < today,
            )
        )
    from sanxiang.documents.paper import paper_scans_missing

    for missing in paper_scans_missing(user=user, today=today)[:20]:
        items.append(
            Item(
                str(missing.document),
                reverse("documents:paper_attach", args=[missing.document.pk]),
                _("现场手签文书的纸质原件扫描件待上传"),
                missing.due,
                missing.overdue,
            )
        )
    return sorted(items, key=lambda i: i.due or today)[:15]


def archive_filing_due(*, user: Staff, today: datetime.date) -> list[Item]:
    """JL-ARC-3: for custodians and heads, units not yet filed whose filing deadline has passed
    or falls within a week, overdue first."""
    if not (is_superuser(user) or user.has_role(Role.CUSTODIAN, Role.HEAD)):
        return []
    from sanxiang.archive.selectors import filing_due_for

    return [
        Item(
            u.title,
            reverse("archive:unit_detail", args=[u.pk]),
            u.get_status_display(),
            u.filing_due,
            u.filing_due < today,
        )
        for u in filing_due_for(user=user, today=today)[:15]
    ]


def archive_fixity_failures(*, user: Staff) -> list[Item]:
    """JL-ARC-4: for custodians and heads, filed units whose latest 四性检测 failed (a changed
    original shows up here after the periodic check), with the link to the unit's report."""
    if not (is_superuser(user) or user.has_role(Role.CUSTODIAN, Role.HEAD)):
        return []
    from sanxiang.archive.tasks import fixity_failures

    return [
        Item(
            u.archival_code or u.title,
            reverse("archive:unit_detail", args=[u.pk]) + "#check",
            u.title,
            u.last_run_at.date() if u.last_run_at else None,
            True,
        )
        for u in fixity_failures(user=user)[:15]
    ]


def complaints(*, user: Staff, today: datetime.date) -> list[Group]:
    """投诉举报 (issue 15): the intake queue for officers and heads, the reports the user
    verifies (due date first), and — for a head — the reports involving deaths."""
    from sanxiang.complaints import selectors

    def items(rows, note) -> list[Item]:
        return [
            Item(
                f"{c.number} {c.target_name}",
                reverse("complaints:detail", args=[c.pk]),
                note=note(c),
                due=c.verify_due,
                overdue=bool(c.verify_due and c.verify_due < today),
            )
            for c in rows[:10]
        ]

    url = reverse("complaints:list")
    groups = [
        Group(
            _("涉及人员死亡的举报"),
            items(selectors.escalations(user=user), lambda c: c.get_status_display()),
            url,
        ),
        Group(
            _("待受理的网上举报"),
            items(selectors.intake_queue(user=user), lambda c: c.get_category_display()),
            url,
        ),
        Group(
            _("我负责核查的举报"),
            items(selectors.my_verifications(user=user), lambda c: c.get_category_display()),
            url,
        ),
    ]
    return [g for g in groups if g.items]


def evaluation_tasks(*, user: Staff, today: datetime.date) -> list[Item]:
    """An evaluator's files waiting for his evaluation in running 案卷评查 campaigns (P12)."""
    from sanxiang.supervision.evaluation.selectors import my_tasks

    return [
        Item(
            f.title,
            reverse("supervision:evaluation_file", args=[f.pk]),
            note=f"{f.unit} · {f.campaign.title}",
            due=f.campaign.ends_on,
            overdue=f.campaign.ends_on < today,
        )
        for f in my_tasks(user=user, today=today)[:10]
    ]


def supervision_panels(*, user: Staff, today: datetime.date) -> dict:
    """Issue 16, item 7: for heads, open 督办 notices (to answer, or replies to close) and the
    overdue items of the agency and those below; for officers and reviewers, training due."""
    from sanxiang.supervision.notices.selectors import notices_for_head, overdue_items
    from sanxiang.supervision.training.selectors import training_due

    panels: dict = {"training_due": training_due(user=user, today=today)}
    if not _head(user):
        return panels
    panels["supervision_notices"] = [
        Item(
            n.target_label,
            reverse("supervision:notice_detail", args=[n.pk]),
            _("%(a)s · %(s)s") % {"a": n.agency, "s": n.get_status_display()},
            n.due_on,
            n.status == "open" and n.due_on < today,
        )
        for n in notices_for_head(user=user)[:15]
    ]
    panels["supervision_overdue"] = [
        Item(target.describe(row), target.url_of(row), str(target.agency_of(row)), None, True)
        for _type, target, row in overdue_items(user=user, today=today)[:15]
    ]
    return panels
