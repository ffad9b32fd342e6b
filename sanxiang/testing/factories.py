"""Objects for tests, made through the services so that tests see what production sees."""

from __future__ import annotations

import datetime
import itertools
import random

from django.utils import timezone

from sanxiang.demo.identities import credit_code, id_card
from sanxiang.org import services as org
from sanxiang.org.models import Agency, AgencyLevel, Staff
from sanxiang.org.roles import Role
from sanxiang.registry import services as registry
from sanxiang.registry.models import CoalMine, MineStatus, MineType, Person

PASSWORD = "Test-pass-2026"
_rng = random.Random(7)
_counter = itertools.count(1)


def superuser() -> Staff:
    existing = Staff.objects.filter(username="root").first()
    return existing or Staff.objects.create_superuser(
        username="root", password=PASSWORD, full_name="超级管理员"
    )


def agency(*, parent: Agency | None = None, name: str | None = None, short: str = "测") -> Agency:
    n = next(_counter)
    level = (
        AgencyLevel.NATIONAL
        if parent is None
        else {
            AgencyLevel.NATIONAL: AgencyLevel.PROVINCIAL,
            AgencyLevel.PROVINCIAL: AgencyLevel.SUB_BUREAU,
        }[parent.level]
    )
    return org.agency_create(
        actor=superuser(),
        parent=parent,
        name=name or f"测试机构{n}",
        short_name=short,
        level=level,
        credit_code=credit_code(_rng, "140100", "11"),
        division_code="140100",
    )


def staff(*, agency: Agency, roles: list[str], username: str | None = None, **extra) -> Staff:
    n = next(_counter)
    return org.staff_create(
        actor=superuser(),
        username=username or f"user{n}",
        agency=agency,
        roles=roles,
        password=PASSWORD,
        full_name=extra.pop("full_name", f"测试人员{n}"),
        **extra,
    )


def officer(*, agency: Agency, certified: bool = True, **extra) -> Staff:
    person = staff(agency=agency, roles=[Role.OFFICER], **extra)
    if certified:
        today = timezone.localdate()
        org.certificate_issue(
            actor=superuser(),
            holder=person,
            number=f"T{person.pk:09d}",
            issuing_authority="测试省人民政府",
            issued_on=today - datetime.timedelta(days=365),
            expires_on=today + datetime.timedelta(days=365),
        )
    return person


def mine(*, agency: Agency, **fields) -> CoalMine:
    n = next(_counter)
    values = {
        "name": f"测试煤矿{n}",
        "credit_code": credit_code(_rng, "140100"),
        "division_code": "140100",
        "address": "测试省测试市测试镇",
        "mine_type": MineType.UNDERGROUND,
        "status": MineStatus.PRODUCING,
    }
    values.update(fields)
    return registry.mine_create(actor=superuser(), supervising_agency=agency, **values)


def person(*, agency: Agency, **fields) -> Person:
    n = next(_counter)
    values = {
        "name": f"测试人{n}",
        "id_number": id_card(_rng, "140100"),
        "phone": "13900000000",
    }
    values.update(fields)
    return registry.person_create(actor=superuser(), agency=agency, **values)


def catalog_team(*, agency: Agency) -> dict[str, Staff]:
    """An editor, a legal reviewer and a head of ``agency``: who drafts, reviews and approves catalogs."""
    return {
        "editor": staff(agency=agency, roles=[Role.PUBLICITY_EDITOR]),
        "reviewer": staff(agency=agency, roles=[Role.LEGAL_REVIEWER], has_legal_qualification=True),
        "head": staff(agency=agency, roles=[Role.HEAD]),
    }


# --- evidence ----------------------------------------------------------------------------------

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def custodian(*, agency: Agency, **extra) -> Staff:
    return staff(agency=agency, roles=[Role.CUSTODIAN], **extra)


def head(*, agency: Agency, **extra) -> Staff:
    return staff(agency=agency, roles=[Role.HEAD], **extra)


def recording_device(*, agency: Agency, underground: bool = False, **fields):
    from sanxiang.evidence import services as evidence

    n = next(_counter)
    values = {"serial_number": f"DSJ-{n:06d}", "model_name": "测试执法记录仪 DSJ-V9"}
    if underground:
        values.update(
            explosion_proof=True,
            mine_safety_certificate=f"MAE{n:09d}",
            mine_safety_valid_until=timezone.localdate() + datetime.timedelta(days=365),
        )
    values.update(fields)
    return evidence.device_register(actor=superuser(), agency=agency, **values)


def recording(
    *,
    actor: Staff,
    data: bytes | None = None,
    filename: str | None = None,
    content_type: str = "video/mp4",
    **metadata,
):
    """A recording stored through the same service as browser uploads (a tiny fake MP4)."""
    from sanxiang.evidence import services as evidence

    n = next(_counter)
    data = data if data is not None else MP4_HEAD + f"recording {n}".encode() * 64
    return evidence.recording_create_from_stream(
        actor=actor,
        chunks=[data],
        filename=filename or f"DSJ_{n:04d}.mp4",
        content_type=content_type,
        metadata=metadata,
    )


def retrieval(*, recording, requester: Staff, scope: str = "view", hours: int = 24):
    """A pending retrieval request (调阅申请) for ``recording``."""
    from sanxiang.evidence import services as evidence

    now = timezone.now()
    return evidence.retrieval_request_create(
        actor=requester,
        recording=recording,
        purpose="测试调阅",
        scope=scope,
        valid_from=now,
        valid_until=now + datetime.timedelta(hours=hours),
    )


def borrow_request(*, requester: Staff, issuer: Staff | None = None, scope: str = "view"):
    """A pending borrow request (借阅申请) by ``requester`` for a document of his agency, issued
    by ``issuer`` (another officer of that agency unless given)."""
    from sanxiang.documents import borrowing
    from sanxiang.documents import services as documents

    issuer = issuer or officer(agency=requester.agency)
    document = documents.document_issue(
        actor=issuer,
        agency=issuer.agency,
        type_code="inquiry_record",
        short_code="询",
        title="询问笔录",
        content={"sections": [{"heading": "询问内容", "paragraphs": ["（测试）"]}]},
    )
    now = timezone.now()
    return borrowing.borrow_request_create(
        actor=requester,
        subject_type=borrowing.DOCUMENT,
        subject_id=str(document.pk),
        purpose="测试借阅",
        scope=scope,
        valid_from=now,
        valid_until=now + datetime.timedelta(hours=24),
    )


# --- inspections and cases ---------------------------------------------------------------------

ENFORCEMENT_CATALOG_START = datetime.date(2025, 1, 1)


def enforcement_catalogs(*, agency: Agency, effective_from: datetime.date | None = None):
    """The sample catalogs inspections and cases rely on (legal bases, document types, the
    violation compendium, random-inspection items, remedies, stage rules), published by
    ``agency`` (normally the provincial bureau, which its sub-bureaus inherit)."""
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import load_sample_catalogs

    kinds = (
        CatalogKind.LEGAL_BASIS,
        CatalogKind.DOCUMENT_TYPE,
        CatalogKind.VIOLATION_COMPENDIUM,
        CatalogKind.RANDOM_INSPECTION,
        CatalogKind.REMEDY,
        CatalogKind.STAGE_RULE,
    )
    return load_sample_catalogs(
        agency=agency,
        effective_from=effective_from or ENFORCEMENT_CATALOG_START,
        kinds=kinds,
        **catalog_team(agency=agency),
    )


def inspection_plan(
    *, officers: list[Staff], mine: CoalMine, head: Staff | None = None, approved: bool = True
):
    """A 检查方案 for ``mine`` by ``officers`` (the first one drafts), approved by ``head``."""
    from sanxiang.inspections import services as inspections

    today = timezone.localdate()
    agency = officers[0].agency
    plan = inspections.inspection_plan_create(
        actor=officers[0],
        agency=agency,
        mine=mine,
        item_codes=["SJ-001", "SJ-003"],
        content="重点检查通风系统和从业人员安全培训情况（测试）。",
        officers=officers,
        planned_start=today - datetime.timedelta(days=3),
        planned_end=today + datetime.timedelta(days=10),
        legal_basis="《中华人民共和国安全生产法》第六十五条",
    )
    if approved:
        inspections.inspection_plan_submit(actor=officers[0], plan=plan)
        plan = inspections.inspection_plan_approve(
            actor=head or staff(agency=agency, roles=[Role.HEAD]), plan=plan, opinion="同意。"
        )
    return plan


# 询问笔录: the person questioned and his answer to the recusal question (ADR 0211)
QUESTIONED = {
    "name": "王某",
    "gender": "男",
    "age": "45",
    "id_number": "110101198001010011",
    "work": "某煤矿 安全副矿长",
    "recusal": "不申请回避。",
}

#: What an emergency sealing or seizure names (行政强制法第二十四条), and the showing of the
#: certificates at the act as the officers' form box records it (GS-MID-1, ADR 0231).
SEALING_ITEMS = [
    {"name": "3号采煤工作面", "specification": "—", "quantity": "1处", "place": "井下3号采区"}
]
ONSITE_SHOWN = {"identity_shown": True, "items": SEALING_ITEMS}


def shown_now() -> dict:
    """An in-person service where the servers showed their certificates just now (the form's box
    with its time; GS-MID-1, ADR 0231)."""
    from django.utils import timezone

    return {"identity_shown": True, "shown_at": timezone.now()}


def inspection(*, plan, officers: list[Staff] | None = None):
    from sanxiang.inspections import services as inspections

    officers = officers or list(plan.officers.all())
    return inspections.inspection_open(
        actor=officers[0],
        plan=plan,
        officers=officers,
        inspected_on=timezone.localdate(),
        location="井下采煤工作面",
        identity_shown=True,
        party_present="安全副矿长 王某",
    )


def finding(*, inspection, code: str = "WF-001", major_hazard: bool = False, **extra):
    from sanxiang.catalog.selectors import compendium_search
    from sanxiang.inspections import services as inspections

    entry = compendium_search(agency=inspection.agency, on=inspection.inspected_on).get(code=code)
    return inspections.finding_add(
        actor=inspection.officers.order_by("pk").first(),
        inspection=inspection,
        entry=entry,
        facts=extra.pop("facts", "抽查3名井下作业人员，均无安全生产教育和培训记录。"),
        location=extra.pop("location", "井下"),
        is_major_hazard=major_hazard,
    )


def filed_case(
    *,
    officers: list[Staff],
    mine: CoalMine,
    head: Staff,
    code: str = "WF-001",
    major_hazard: bool = False,
    approve: bool = True,
):
    """A case filed from a finding of a completed inspection (approved when ``approve``)."""
    from sanxiang.cases import services as cases
    from sanxiang.inspections import services as inspections

    plan = inspection_plan(officers=officers, mine=mine, head=head)
    visit = inspection(plan=plan)
    found = finding(inspection=visit, code=code, major_hazard=major_hazard)
    inspections.inspection_complete(
        actor=officers[0], inspection=visit, summary="检查了通风、培训等事项（测试）。"
    )
    case = cases.case_file(
        actor=officers[0],
        findings=[found],
        cause=f"{mine.name}未按规定开展安全生产教育和培训案",
        officers=officers,
    )
    if approve:
        case = cases.case_filing_approve(actor=head, case=case, opinion="同意立案。")
    return case


def case_report(*, case, actor: Staff, fine: str = "10000", **overrides):
    from sanxiang.cases import services as cases

    finding = case.findings.first()
    values = {
        "facts": f"{finding.description.replace('【示例】', '')}具体事实：{finding.facts}",
        "evidence": "现场检查记录、询问笔录、培训档案复印件。",
        "violated_provisions": "《中华人民共和国安全生产法》第二十八条",
        "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
        "penalty_kinds": ["fine"],
        "fine_amount": fine,
        "decision_text": f"对{case.mine.name}处以罚款人民币{fine}元。",
    }
    values.update(overrides)
    return cases.case_report_submit(actor=actor, case=case, **values)


def notice_recording(*, case, actor: Staff, at=None):
    """A recording of telling the party the enforcement opinion (JL-AV-2), covering ``at``."""
    at = at or timezone.now()
    return recording(
        actor=actor,
        title="告知执法意见全程记录（测试）",
        activity="opinion_notification",
        subject=case,
        stage="prior_notice",
        started_at=(at - datetime.timedelta(minutes=30)).isoformat(),
        ended_at=(at + datetime.timedelta(minutes=30)).isoformat(),
    )


def case_to_decision(*, case, officer: Staff, head: Staff, fine: str = "10000"):
    """From investigation to “pending decision”: report, approval, notice (recorded), waiver."""
    from sanxiang.cases import services as cases

    case = case_report(case=case, actor=officer, fine=fine)
    case = cases.case_report_approve(actor=head, case=case, opinion="同意。")
    now = timezone.now()
    notice_recording(case=case, actor=officer, at=now)
    case = cases.prior_notice_issue(actor=officer, case=case, notified_at=now)
    cases.statement_record(
        actor=officer,
        case=case,
        kind="waiver",
        content_text="当事人书面表示放弃陈述、申辩和听证。",
        received_on=timezone.localdate(),
    )
    return cases.notice_close(actor=officer, case=case)


def review_clearance(*, proposal, reviewer: Staff | None = None, post_review: bool = False):
    """A passed legal review (what the review app records through the gate's one write path)."""
    from sanxiang.cases import gate

    reviewer = reviewer or staff(
        agency=proposal.case.agency, roles=[Role.LEGAL_REVIEWER], has_legal_qualification=True
    )
    return gate.review_clearance_record(
        actor=reviewer,
        proposal=proposal,
        reviewed_digest=proposal.digest,
        opinion_reference="法审〔测试〕1号",
        opinion_summary="事实清楚，证据确凿，定性准确，处罚适当，程序合法，同意。",
        post_review=post_review,
    )


def html_instead_of_pdf(template_name: str, context: dict) -> bytes:
    """A stand-in for ``documents.rendering.render_pdf`` in tests that do not read the PDF:
    the template is still rendered (so its errors surface) but not typeset, which is what costs.
    Like the real one, it renders in the legal language.
    """
    from django.template.loader import render_to_string

    from sanxiang.core.language import in_legal_language

    with in_legal_language():
        return b"%PDF-stand-in (HTML)\n" + render_to_string(template_name, context).encode("utf-8")


ENFORCEMENT_WORLD_IDS = (
    "enforcement_plan_id",
    "draw_id",
    "plan_id",
    "inspection_id",
    "measure_id",
    "case_id",
    "letter_id",
    "document_id",
)


def enforcement_world(*, province: dict) -> dict[str, int]:
    """One of each inspection and case object in sub-bureau A (for the API's hostile-input test):
    an approved enforcement plan with a draft draw, a draft inspection plan, an open inspection
    with a finding and a time-limited measure, a case waiting for its filing approval, and a
    safety-supervision letter waiting for the head's approval."""
    from sanxiang.cases import services as cases
    from sanxiang.inspections import services as inspections

    sub = province["a"]
    enforcement_catalogs(agency=province["provincial"])
    crew = [officer(agency=sub), officer(agency=sub)]
    boss = head(agency=sub)
    site = mine(agency=sub)
    today = timezone.localdate()
    programme = inspections.enforcement_plan_approve(
        actor=boss,
        plan=inspections.enforcement_plan_create(
            actor=boss,
            agency=sub,
            kind="annual",
            year=today.year,
            title="年度计划（测试）",
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        ),
        opinion="同意。",
    )
    draw = inspections.draw_create(
        actor=boss, enforcement_plan=programme, title="抽取（测试）", item_codes=["SJ-001"]
    )
    draft = inspection_plan(officers=crew, mine=site, approved=False)
    visit = inspection(plan=inspection_plan(officers=crew, mine=site, head=boss))
    measure = inspections.onsite_measure_take(
        actor=crew[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=finding(inspection=visit),
        content="限期整改（测试）。",
        days=10,
    )
    case = filed_case(officers=crew, mine=site, head=boss, approve=False)
    assert case.status == "filing_pending" and cases
    from sanxiang.inspections import letters

    letter = letters.letter_draft(
        actor=crew[0],
        inspection=case.inspection,
        kind="supervision_advice",
        addressee="测试县人民政府（测试）",
        findings=list(case.findings.all()),
        recommendations="督促煤矿整改（测试）。",
    )
    return {
        "letter_id": letter.pk,
        "document_id": case.inspection.record_document_id,
        "enforcement_plan_id": programme.pk,
        "draw_id": draw.pk,
        "plan_id": draft.pk,
        "inspection_id": visit.pk,
        "measure_id": measure.pk,
        "case_id": case.pk,
    }


# --- legal review -------------------------------------------------------------------------------


def legal_reviewer(*, agency: Agency, **extra) -> Staff:
    return staff(agency=agency, roles=[Role.LEGAL_REVIEWER], has_legal_qualification=True, **extra)


def major_case(*, officers: list[Staff], mine: CoalMine, head: Staff, fine: str = "60000"):
    """A case at “pending decision” whose proposed fine on a coal mine is a major decision
    (SH2-02M, ≥ 50,000 CNY): it needs a passed legal review before the decision."""
    case = filed_case(officers=officers, mine=mine, head=head)
    return case_to_decision(case=case, officer=officers[0], head=head, fine=fine)


def review_submitted(*, case, officer: Staff, reviewing_agency: Agency | None = None):
    """The case's pending penalty proposal submitted for legal review, declared by ``officer``."""
    from sanxiang.cases import gate
    from sanxiang.review import services as review

    return review.review_submit(
        actor=officer,
        case=case,
        proposal=gate.pending_proposal(case, "penalty"),
        declaration=True,
        reviewing_agency=reviewing_agency,
        materials_note="培训档案复印件（纸质）1册。",
    )


CHECKLIST_NOTES = "经审查，符合规定。"


def review_checklist(*, review, reviewer: Staff, problems: dict[str, str] | None = None):
    """All nine review points answered: “no problem”, except ``problems`` (item → notes)."""
    from sanxiang.review import services
    from sanxiang.review.models import ChecklistItem

    problems = problems or {}
    answers = {
        item.value: {"finding": "problem", "notes": problems[item.value]}
        if item.value in problems
        else {"finding": "ok", "notes": CHECKLIST_NOTES}
        for item in ChecklistItem
    }
    return services.checklist_save(actor=reviewer, review=review, answers=answers)


def review_in_progress(*, review, reviewer: Staff, received_on: datetime.date | None = None):
    """Taken by ``reviewer`` and received with complete materials (the clock runs)."""
    from sanxiang.review import services

    review = services.review_assign(actor=reviewer, review=review, reviewer=reviewer)
    return services.review_receive(actor=reviewer, review=review, received_on=received_on)


def review_world(*, province: dict) -> dict[str, int]:
    """A legal review in sub-bureau A received by its reviewer (for the API's hostile-input
    test): a major case at “pending decision”, submitted and received."""
    from sanxiang.catalog.models import CatalogKind, CatalogVersion

    sub = province["a"]
    if not CatalogVersion.objects.filter(
        agency=province["provincial"], kind=CatalogKind.DOCUMENT_TYPE
    ).exists():
        enforcement_catalogs(agency=province["provincial"])
    crew = [officer(agency=sub), officer(agency=sub)]
    case = major_case(officers=crew, mine=mine(agency=sub), head=head(agency=sub))
    reviewer = legal_reviewer(agency=sub)
    review = review_submitted(case=case, officer=crew[0])
    review_in_progress(review=review, reviewer=reviewer)
    return {"review_id": review.pk}


# --- result publication (publicity) ------------------------------------------------------------


def publicity_team(*, agency: Agency) -> dict[str, Staff]:
    """A publicity editor, a second editor (reviews), a legal reviewer and a head of ``agency``."""
    return {
        "editor": staff(agency=agency, roles=[Role.PUBLICITY_EDITOR], full_name="公示编辑甲"),
        "editor2": staff(agency=agency, roles=[Role.PUBLICITY_EDITOR], full_name="公示编辑乙"),
        "reviewer": staff(
            agency=agency,
            roles=[Role.LEGAL_REVIEWER],
            has_legal_qualification=True,
            full_name="审核员丙",
        ),
        "head": staff(agency=agency, roles=[Role.HEAD], full_name="负责人丁"),
    }


def decided_case(
    *,
    officers: list[Staff],
    head: Staff,
    mine: CoalMine,
    person: Person | None = None,
    fine: str = "5000",
    facts: str | None = None,
    penalty_kinds: list[str] | None = None,
):
    """A penalty decision issued, on ``person`` when given (an individual), else on the mine.
    ``facts`` become the case report's facts (what the publication's 违法事实 is drafted from)."""
    from sanxiang.cases import services as cases
    from sanxiang.inspections import services as inspections

    plan = inspection_plan(officers=officers, mine=mine, head=head)
    visit = inspection(plan=plan)
    found = finding(inspection=visit)
    inspections.inspection_complete(
        actor=officers[0], inspection=visit, summary="检查了通风、培训等事项（测试）。"
    )
    party = person.name if person else mine.name
    case = cases.case_file(
        actor=officers[0],
        findings=[found],
        cause=f"{party}违反安全生产规定案",
        officers=officers,
        party_kind="individual" if person else "mine",
        person=person,
    )
    case = cases.case_filing_approve(actor=head, case=case, opinion="同意立案。")
    kinds = penalty_kinds or ["fine"]
    case = case_report(
        case=case,
        actor=officers[0],
        fine=fine if "fine" in kinds else "",
        penalty_kinds=kinds,
        decision_text=f"对{party}处以罚款人民币{fine}元。"
        if "fine" in kinds
        else f"对{party}予以警告。",
        **({"facts": facts} if facts else {}),
    )
    case = cases.case_report_approve(actor=head, case=case, opinion="同意。")
    now = timezone.now()
    notice_recording(case=case, actor=officers[0], at=now)
    case = cases.prior_notice_issue(actor=officers[0], case=case, notified_at=now)
    cases.statement_record(
        actor=officers[0],
        case=case,
        kind="waiver",
        content_text="当事人书面表示放弃陈述、申辩和听证。",
        received_on=timezone.localdate(),
    )
    case = cases.notice_close(actor=officers[0], case=case)
    return cases.decision_issue(actor=head, case=case)


def publication_world(*, province) -> dict[str, int]:
    """A result publication draft of sub-bureau A (ids for the API's bad-input test)."""
    from sanxiang.publicity import services as publicity

    publication = publicity.publication_manual_create(
        actor=superuser(),
        agency=province["a"],
        category="licensing",
        decided_on=timezone.localdate(),
        fields={"party_name": "接口测试煤矿", "licence_content": "核发安全生产许可证"},
    )
    return {"publication_id": publication.pk}


def archive_world(*, province: dict) -> dict[str, int]:
    """A draft archive unit in sub-bureau A: an inspection closed without a case (issue 14)."""
    from sanxiang.archive.models import ArchiveUnit
    from sanxiang.catalog.models import CatalogKind, CatalogVersion
    from sanxiang.inspections import services as inspections

    sub = province["a"]
    if not CatalogVersion.objects.filter(
        agency=province["provincial"], kind=CatalogKind.DOCUMENT_TYPE
    ).exists():
        enforcement_catalogs(agency=province["provincial"])
    crew = [officer(agency=sub), officer(agency=sub)]
    plan = inspection_plan(officers=crew, mine=mine(agency=sub), head=head(agency=sub))
    visit = inspection(plan=plan)
    inspections.inspection_complete(actor=crew[0], inspection=visit, summary="未发现问题。")
    inspections.inspection_close(actor=crew[0], inspection=visit, result_summary="未发现问题。")
    return {"unit_id": ArchiveUnit.objects.get(inspection=visit).pk}


def disposal_world(*, province: dict) -> dict[str, int]:
    """A pending disposal appraisal and a legal hold in sub-bureau A (ADR 0130): an inspection
    unit filed under the sample retention schedule, appraised on the day its period ran out."""
    from unittest import mock

    from sanxiang.archive import disposal, holds, services
    from sanxiang.archive.models import ArchiveUnit
    from sanxiang.catalog.models import CatalogKind, CatalogVersion
    from sanxiang.catalog.samples import load_sample_catalog

    if not CatalogVersion.objects.filter(
        agency=province["provincial"], kind=CatalogKind.RETENTION_SCHEDULE
    ).exists():
        load_sample_catalog(
            kind=CatalogKind.RETENTION_SCHEDULE,
            agency=province["provincial"],
            effective_from=ENFORCEMENT_CATALOG_START,
            **catalog_team(agency=province["provincial"]),
        )
    from sanxiang.documents import rendering

    sub = province["a"]
    # Filing runs the four-property check, which opens every PDF: these are typeset for real
    # even where a test stands in plain HTML for speed.
    with mock.patch("sanxiang.documents.services.render_pdf", rendering.render_pdf):
        unit = ArchiveUnit.objects.get(pk=archive_world(province=province)["unit_id"])
    keeper, chief = custodian(agency=sub), head(agency=sub)
    services.unit_submit(actor=keeper, unit=unit)
    unit = services.unit_approve(actor=chief, unit=unit)
    with mock.patch.object(disposal, "_today", lambda: unit.retention_due):
        appraisal = disposal.appraisal_create(
            actor=keeper,
            lines=[disposal.LineIn(unit=unit, verdict="destroy", reason="保管期满。")],
            appraisers=[keeper, officer(agency=sub)],
            opinion="保管期满，无继续保存价值。",
        )
    hold = holds.place_hold(unit, "petition", "信访事项办理中。", chief)
    return {"appraisal_id": appraisal.pk, "hold_id": hold.pk}


def appeal_world(*, case_id: int) -> dict[str, int]:
    """An appeal and a criminal-transfer report on case ``case_id`` (path ids for the API's
    bad-input test; rows only — the services are exercised in ``cases/tests``)."""
    from sanxiang.cases.models import Appeal, Case, CriminalTransfer

    case = Case.objects.get(pk=case_id)
    actor = case.created_by
    now = timezone.now()
    appeal = Appeal.objects.create(
        case=case,
        kind="reconsideration",
        applicant="接口测试煤矿",
        body="接口测试复议机关",
        filed_on=timezone.localdate(),
        recorded_by=actor,
    )
    transfer = CriminalTransfer.objects.create(
        case=case,
        suspected_crime="接口测试罪名",
        facts="接口测试事实",
        reported_by=actor,
        reported_at=now,
        decision_due=timezone.localdate(),
    )
    return {"appeal_id": appeal.pk, "transfer_id": transfer.pk}


def error_report_world(*, province) -> dict[str, int]:
    """An error report on a result publication of sub-bureau A (path id for the bad-input test)."""
    from sanxiang.publicity.models import ErrorReport

    publication_id = publication_world(province=province)["publication_id"]
    report = ErrorReport.objects.create(
        publication_id=publication_id,
        number="JCTEST0001",
        version_number=1,
        description="接口测试",
    )
    return {"report_id": report.pk}


def evaluation_world(*, province: dict) -> dict[str, int]:
    """A draft 案卷评查 campaign of the province over sub-bureau A, and a file with a finding and
    a rectification (ids for the API's bad-input test; the file is not drawn from records)."""
    from sanxiang.supervision.evaluation import services as evaluation
    from sanxiang.supervision.models import EvaluationFile, EvaluationFinding, Rectification

    legal = staff(
        agency=province["provincial"], roles=[Role.LEGAL_REVIEWER], has_legal_qualification=True
    )
    today = timezone.localdate()
    campaign = evaluation.campaign_create(
        actor=legal,
        agency=province["provincial"],
        title="接口测试评查",
        period_from=today - datetime.timedelta(days=30),
        period_to=today,
        units=[province["a"]],
        share="0.5",
        evaluators=[legal],
        rubric=evaluation.rubric_sample_load(actor=legal, agency=province["provincial"]),
        starts_on=today,
        ends_on=today + datetime.timedelta(days=10),
    )
    file = EvaluationFile.objects.create(
        campaign=campaign,
        key="case-0",
        kind="case",
        title="接口测试案卷",
        unit=province["a"],
        evaluator=legal,
    )
    finding = EvaluationFinding.objects.create(
        file=file,
        item_code="form_formats",
        item_kind="form",
        item_label="文书",
        source="prefill",
        text="接口测试",
    )
    rectification = Rectification.objects.create(
        file=file,
        unit=province["a"],
        requirements="接口测试",
        due_on=today,
        requested_by=legal,
        requested_at=timezone.now(),
    )
    return {
        "campaign_id": campaign.pk,
        "evaluation_file_id": file.pk,
        "evaluation_finding_id": finding.pk,
        "evaluation_rectification_id": rectification.pk,
    }


# --- supervision: training, notices, assessment (issue 16) -------------------------------------


def supervision_world(*, province: dict, case_id: int | None = None) -> dict[str, int]:
    """A pending certificate application and a draft assessment sheet in sub-bureau A; with
    ``case_id``, a 督办 notice on that case (for the API's hostile-input test)."""
    from sanxiang.cases.models import Case
    from sanxiang.supervision.assessment import services as assessment
    from sanxiang.supervision.notices import services as notices
    from sanxiang.supervision.training import services as training

    admin = superuser()
    sub = province["a"]
    applicant = officer(agency=sub, certified=False)
    ids = {
        "application_id": training.certificate_apply(
            actor=admin, applicant=applicant, reason="新领（测试）"
        ).pk,
        "sheet_id": assessment.assessment_compute(
            actor=admin, agency=sub, year=timezone.localdate().year
        ).pk,
    }
    if case_id is not None:
        case = Case.objects.get(pk=case_id)
        ids["notice_id"] = notices.notice_issue(
            actor=admin,
            target=f"cases.case:{case.pk}",
            requirement="按期办理（测试）。",
            due_on=timezone.localdate() + datetime.timedelta(days=10),
        ).pk
    return ids
