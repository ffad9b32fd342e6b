"""The demo's archive (issue 14): closed demo matters are filed through the real services.

``load_demo_archive`` runs after the demo cases, on the real clock (the matters it files were
closed today, so their filing falls after them in the demo's timeline, ADR 0007), and leaves
the eastern sub-bureau's archive with:

* the closed cases, handed over (待归档) by the custodian — the enforcement demo's one and two
  more closed here (a fine paid in full on two further mines) — each unit (一案一卷) assembled,
  its volume rendered, the four-property check passed at submission and again at approval: each
  has a 档号. (Each filed case costs its typesetting, volume and two checks, so the demo files
  three, not more: the demo is loaded by several tests.)
* an inspection that found nothing, closed without a case — its unit filed the same way;
* an inspection that found a problem the mine cannot solve alone: the team drafts a
  安全监管建议书 to the local government, the head approves it (numbered, issued) and its
  letter unit is filed; the inspection is then closed;
* that inspection's own unit, whose on-site inspection record was voided after the unit was
  assembled (示例: 记载有误): the check fails, the unit stays a draft and its page says why
  (“该文书已作废，不能作为有效文件归档” and the missing record of its stage) — the custodian
  must reassemble it once a corrected record is issued.
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import ValidationError

from sanxiang.archive.models import ArchiveUnit, UnitStatus
from sanxiang.cases import execution
from sanxiang.cases.models import Case
from sanxiang.cases.workflow import CaseStatus
from sanxiang.documents.services import document_void
from sanxiang.inspections import letters
from sanxiang.inspections import services as inspections
from sanxiang.inspections.models import LetterKind
from sanxiang.org.models import Agency, Staff

from .enforcement import Demo, showing_time

log = logging.getLogger(__name__)
ONSITE_RECORD = "onsite_record"  # 现场检查记录
VOID_REASON = "检查记录记载的检查地点有误，需重新制作（示例）。"


def _custodian(bureau: Agency) -> Staff | None:
    return (
        bureau.staff.filter(role_grants__role="custodian", is_active=True)
        .order_by("username")
        .first()
    )


def _quiet_inspection(demo: Demo, pair: list[Staff], mine) -> None:
    """An inspection that found nothing, closed without a case (its own unit)."""
    visit = inspections.inspection_open(
        actor=pair[0],
        plan=demo.plan(pair, mine),
        officers=pair,
        inspected_on=demo.today,
        location="地面调度室及主通风机房（示例）",
        identity_shown=True,
        party_present="总工程师（示例）",
    )
    inspections.inspection_complete(
        actor=pair[0], inspection=visit, summary="检查了通风系统，未发现违法行为（示例）。"
    )
    inspections.inspection_close(
        actor=pair[0], inspection=visit, result_summary="未发现违法违规行为（示例）。"
    )


def _closed_case(demo: Demo, pair: list[Staff], mine, fine: str, receipt: str) -> None:
    """A case decided, served, paid in full and closed today (the walk of the enforcement demo's
    closed case), ready to be handed over."""
    from sanxiang.cases import services as cases

    case = demo.to_decision(demo.case(pair, mine), pair, fine)
    case = cases.decision_issue(actor=demo.head, case=case)
    execution.service_record(
        actor=pair[0],
        case=case,
        served_on=demo.today,
        method="direct",
        recipient="矿长（示例）",
        officers=pair,
        identity_shown=True,
        shown_at=showing_time(demo.today),
    )
    case.refresh_from_db()
    execution.payment_record(
        actor=pair[0], case=case, amount=fine, paid_on=demo.today, reference=receipt
    )
    case.refresh_from_db()
    execution.case_close(actor=demo.head, case=case, summary="罚款已缴清，结案（示例）。")


def _letter_and_voided_record(demo: Demo, pair: list[Staff], mine) -> ArchiveUnit:
    """An inspection whose finding needs the local government: a 安全监管建议书 is issued (its
    letter unit is assembled on issue), the inspection is closed (its unit is assembled), then
    its on-site record is voided — the unit that must fail the check."""
    visit, finding = demo.inspect(
        pair,
        mine,
        facts="矿井周边小煤窑越界开采，威胁本矿井下安全，需地方政府组织关闭（示例）。",
    )
    letter = letters.letter_draft(
        actor=pair[0],
        inspection=visit,
        kind=LetterKind.SUPERVISION_ADVICE,
        addressee="东山市人民政府应急管理局（示例）",
        findings=[finding],
        recommendations="建议组织关闭越界开采的小煤窑，并督促煤矿加强采掘边界管理（示例）。",
    )
    letters.letter_approve(actor=demo.head, letter=letter)
    inspections.inspection_close(
        actor=pair[0], inspection=visit, result_summary="发现问题1项，已提出安全监管建议（示例）。"
    )
    unit = ArchiveUnit.objects.get(inspection=visit, kind="inspection")
    record = unit.items.filter(document__type_code=ONSITE_RECORD, voided=False).first()
    if record is not None:
        document_void(actor=demo.head, document=record.document, reason=VOID_REASON)
    return unit


def load_demo_archive(*, province: Agency) -> list[ArchiveUnit]:
    east = province.children.order_by("pk").first()
    if east is None:
        return []
    custodian = _custodian(east)
    demo = Demo(east)
    started, two_cases = time.process_time(), 0.0
    if len(demo.officers) >= 16 and len(demo.mines) >= 16:
        _closed_case(demo, demo.officers[12:14], demo.mines[14], "8000", "DEMO-0002")
        _closed_case(demo, demo.officers[14:16], demo.mines[15], "10000", "DEMO-0003")
    two_cases = time.process_time() - started
    for case in Case.objects.filter(agency=east, status=CaseStatus.CLOSED).order_by("pk"):
        execution.case_archive_ready(actor=custodian or demo.officers[0], case=case)
    failing = None
    if len(demo.officers) >= 16 and len(demo.mines) >= 13:
        _quiet_inspection(demo, demo.officers[14:16], demo.mines[12])
    if len(demo.officers) >= 17 and len(demo.mines) >= 14:
        failing = _letter_and_voided_record(demo, demo.officers[15:17], demo.mines[13])
    _filed, refused = file_demo_units(province=province)
    assert {u.pk for u in refused} == ({failing.pk} if failing else set()), refused
    log.info(
        "demo archive: %d units filed, %d refused, %.1f s CPU (walking the two extra cases "
        "to closure: %.1f s)",
        len(_filed),
        len(refused),
        time.process_time() - started,
        two_cases,
    )
    return list(ArchiveUnit.objects.filter(agency=east).order_by("pk"))


def file_demo_units(
    *, province: Agency | None = None
) -> tuple[list[ArchiveUnit], list[ArchiveUnit]]:
    """Submit and approve the demo's draft units (all draft units when no province is named):
    the volume is rendered and the four-property check runs at submission. Returns the units
    filed and those the check refused (their failed run is kept; they stay drafts)."""
    from sanxiang.archive import services

    drafts = ArchiveUnit.objects.filter(status=UnitStatus.DRAFT).select_related("agency")
    if province is not None:
        drafts = drafts.filter(agency__path__startswith=province.path)
    filed, refused = [], []
    for unit in drafts.order_by("pk"):
        custodian = _custodian(unit.agency)
        head = unit.agency.staff.filter(role_grants__role="head").order_by("username").first()
        if custodian is None or head is None:
            continue
        try:
            unit = services.unit_submit(actor=custodian, unit=unit)
        except ValidationError as exc:
            log.info("demo unit %s not filed: %s", unit.pk, exc)
            refused.append(unit)
            continue
        filed.append(services.unit_approve(actor=head, unit=unit, opinion="同意归档（示例）。"))
    return filed, refused
