"""Demo inspections and cases in various states, made through the services (issue P4).

The eastern sub-bureau gets: an approved annual enforcement plan; a published double-random
draw and a second one whose seed is committed but not yet drawn; inspection plans waiting for
approval and in progress; an inspection with a rectification order under follow-up; and cases
waiting for filing approval, in the statement period, blocked at the legal-review gate (a fine
over the unit's stricter 30,000 CNY threshold), closed, and one with an emergency sealing
waiting for its review afterwards.
"""

from __future__ import annotations

import datetime
import logging
import re
import tempfile
from pathlib import Path

from django.utils import timezone

from sanxiang.cases import execution
from sanxiang.cases import services as cases
from sanxiang.catalog.selectors import compendium_search
from sanxiang.evidence import media
from sanxiang.evidence import services as evidence
from sanxiang.inspections import services as inspections
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
log = logging.getLogger(__name__)


def _officers(agency: Agency) -> list[Staff]:
    """Officers of the bureau whose certificate is valid today, in username order."""
    today = timezone.localdate()
    people = agency.staff.filter(role_grants__role="officer", username__startswith="officer")
    return [
        o
        for o in people.order_by("username").prefetch_related("certificates")
        if any(c.validity_on(today) == "valid" for c in o.certificates.all())
    ]


def _clip(caption: str, fallback: str, codec: str) -> list[bytes]:
    """A few seconds of body-camera-like video (test pattern, caption burned in) made by ffmpeg;
    without ffmpeg (the setup installs it) a tiny stand-in that browsers do not play."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "clip.mp4"
        try:
            media.synthesize_clip(path, caption=caption, fallback_caption=fallback, codec=codec)
        except media.MediaError as exc:
            log.warning("demo video not made (%s): install ffmpeg (tools/system-deps.sh)", exc)
            return [MP4 + caption.encode() * 64]
        return [path.read_bytes()]


def body_camera_recording(
    actor: Staff,
    case,
    activity: str,
    stage: str,
    at: datetime.datetime,
    title: str,
    codec: str = "h264",
):
    """A real short MP4 as a body camera writes it: H.264 (most cameras) or H.265 (some newer
    ones, which browsers cannot play: the system then makes a playable copy, ADR 0092).
    Public so that the browser playback test plays exactly what the demo stores."""
    local = timezone.localtime(at)
    device = f"DSJ-{case.pk:04d}"
    caption = f"执法记录仪 {device}  {local:%Y-%m-%d %H:%M:%S}  {title}"
    chunks = _clip(caption, f"{device}  {local:%Y-%m-%d %H:%M:%S}", codec)
    return evidence.recording_create_from_stream(
        actor=actor,
        chunks=chunks,
        filename=f"DSJ_{case.pk:04d}_{activity}.mp4",
        content_type="video/mp4",
        metadata={
            "title": title,
            "activity": activity,
            "subject": case,
            "stage": stage,
            "started_at": (at - datetime.timedelta(minutes=20)).isoformat(),
            "ended_at": (at + datetime.timedelta(minutes=20)).isoformat(),
        },
    )


def showing_time(day: datetime.date) -> datetime.datetime:
    """When the servers showed their certificates at an in-person service on ``day`` (ADR 0231):
    now, or 10:00 that day if the demo clock has already moved past it."""
    now = timezone.now()
    if timezone.localdate(now) == day:
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


class Demo:
    def __init__(self, bureau: Agency):
        self.bureau = bureau
        self.today = timezone.localdate()
        self.head = bureau.staff.get(username__startswith="head")
        self.officers = _officers(bureau)
        self.mines = list(CoalMine.objects.filter(supervising_agency=bureau).order_by("pk"))

    def plan(self, pair: list[Staff], mine: CoalMine, *, approve: bool = True, task=None):
        plan = inspections.inspection_plan_create(
            actor=pair[0],
            agency=self.bureau,
            mine=mine,
            item_codes=["SJ-001", "SJ-003"],
            content="检查通风系统、瓦斯检查与监测监控，以及从业人员安全培训情况（示例）。",
            legal_basis="《中华人民共和国安全生产法》第六十五条",
            officers=pair,
            planned_start=self.today - datetime.timedelta(days=2),
            planned_end=self.today + datetime.timedelta(days=12),
            draw_task=task,
        )
        inspections.inspection_plan_submit(actor=pair[0], plan=plan)
        if approve:
            plan = inspections.inspection_plan_approve(actor=self.head, plan=plan, opinion="同意。")
        return plan

    def inspect(self, pair, mine, *, code="WF-001", major=False, facts="", complete=True):
        plan = self.plan(pair, mine)
        visit = inspections.inspection_open(
            actor=pair[0],
            plan=plan,
            officers=pair,
            inspected_on=self.today,
            location="井下采煤工作面及地面调度室（示例）",
            identity_shown=True,
            party_present="安全副矿长（示例）",
        )
        entry = compendium_search(agency=self.bureau, on=self.today).get(code=code)
        finding = inspections.finding_add(
            actor=pair[0],
            inspection=visit,
            entry=entry,
            facts=facts or "抽查5名井下作业人员，其中3人无安全生产教育和培训记录（示例）。",
            location="井下",
            is_major_hazard=major,
        )
        if complete:
            visit = inspections.inspection_complete(
                actor=pair[0], inspection=visit, summary="检查了抽查事项，发现问题1项（示例）。"
            )
        return visit, finding

    def case(self, pair, mine, **kwargs):
        _visit, finding = self.inspect(pair, mine, **kwargs)
        case = cases.case_file(
            actor=pair[0],
            findings=[finding],
            cause=f"{mine.name}{re.split('[，。]', finding.description.replace('【示例】', ''))[0]}案（示例）",
            officers=pair,
        )
        return case

    def to_notice(self, case, pair, fine: str):
        case = cases.case_filing_approve(actor=self.head, case=case, opinion="同意立案。")
        finding = case.findings.get()
        case = cases.case_report_submit(
            actor=pair[0],
            case=case,
            facts=f"{finding.description.replace('【示例】', '')}具体事实：{finding.facts}",
            evidence="现场检查记录；询问笔录；培训档案复印件（示例）。",
            violated_provisions=finding.violated_provision,
            penalty_basis=finding.penalty_provision,
            penalty_kinds=["fine"],
            fine_amount=fine,
            decision_text=f"对{case.mine.name}处以罚款人民币{fine}元（示例）。",
        )
        case = cases.case_report_approve(actor=self.head, case=case, opinion="同意。")
        now = timezone.now()
        body_camera_recording(
            pair[0], case, "opinion_notification", "prior_notice", now, "告知执法意见（示例）"
        )
        return cases.prior_notice_issue(actor=pair[0], case=case, notified_at=now)

    def to_decision(self, case, pair, fine: str):
        return self.close_notice(self.to_notice(case, pair, fine), pair)

    def close_notice(self, case, pair):
        """The party waives its statement and hearing: the notice stage ends today."""
        cases.statement_record(
            actor=pair[0],
            case=case,
            kind="waiver",
            content_text="当事人书面表示放弃陈述、申辩和听证（示例）。",
            received_on=self.today,
        )
        return cases.notice_close(actor=pair[0], case=case)


def load_demo_enforcement(*, province: Agency) -> None:
    east = province.children.order_by("pk").first()
    if east is None:
        return
    demo = Demo(east)
    officers, mines, head, today = demo.officers, demo.mines, demo.head, demo.today
    pair = officers[0:2]

    programme = inspections.enforcement_plan_create(
        actor=head,
        agency=east,
        kind="annual",
        year=today.year,
        title=f"{east.name}{today.year}年度监察执法计划（示例）",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        content="对辖区煤矿开展“双随机、一公开”监察，重点检查通风瓦斯和安全培训（示例）。",
    )
    programme = inspections.enforcement_plan_approve(actor=head, plan=programme, opinion="同意。")
    inspections.conflict_declare(
        actor=officers[2],
        officer=officers[2],
        mine=mines[0],
        kind="kinship",
        reason="配偶在该矿任职（示例）",
    )
    draw = inspections.draw_create(
        actor=head,
        enforcement_plan=programme,
        title="第一批双随机抽查（示例）",
        item_codes=["SJ-001", "SJ-002", "SJ-003"],
    )
    draw = inspections.draw_run(actor=head, draw=inspections.draw_commit(actor=head, draw=draw))
    draw = inspections.draw_publish(actor=head, draw=draw)
    task = draw.tasks.order_by("position").first()
    demo.plan(list(task.inspectors.all()), task.mine, approve=False, task=task)
    second = inspections.draw_create(
        actor=head,
        enforcement_plan=programme,
        title="第二批双随机抽查（示例，种子已承诺）",
        item_codes=["SJ-004"],
    )
    inspections.draw_commit(actor=head, draw=second)

    # An inspection in progress, and one with a rectification order under follow-up.
    demo.inspect(officers[2:4], mines[5], complete=False)
    visit, finding = demo.inspect(officers[4:6], mines[6], complete=False)
    inspections.onsite_measure_take(
        actor=officers[4],
        inspection=visit,
        kind="rectify_within_limit",
        finding=finding,
        content="责令于期限内对全部井下作业人员进行安全培训并建立培训档案（示例）。",
        days=15,
    )
    inspections.inspection_complete(
        actor=officers[4], inspection=visit, summary="发现问题1项，已责令限期整改（示例）。"
    )

    # Cases: waiting for filing approval; in the statement period; blocked at the gate; closed.
    demo.case(officers[6:8], mines[7])
    demo.to_notice(demo.case(officers[8:10], mines[8]), officers[8:10], "8000")
    blocked = demo.to_decision(demo.case(pair, mines[9]), pair, "40000")
    assert blocked.status == "pending_decision"
    closed = demo.to_decision(demo.case(officers[10:12], mines[10]), officers[10:12], "10000")
    closed = cases.decision_issue(actor=head, case=closed)
    execution.service_record(
        actor=officers[10],
        case=closed,
        served_on=today,
        method="direct",
        recipient="矿长（示例）",
        officers=officers[10:12],
        identity_shown=True,
        shown_at=showing_time(today),
    )
    closed.refresh_from_db()
    execution.payment_record(
        actor=officers[10], case=closed, amount="10000", paid_on=today, reference="DEMO-0001"
    )
    closed.refresh_from_db()
    execution.case_close(actor=head, case=closed, summary="罚款已缴清，结案（示例）。")

    # An emergency sealing for a major hazard, waiting for its review afterwards.
    urgent = demo.case(
        officers[12:14],
        mines[11],
        code="WF-002",
        major=True,
        facts="3号采煤工作面回风隅角瓦斯浓度达1.8%，仍在作业（示例）。",
    )
    now = timezone.now()
    body_camera_recording(
        officers[12],
        urgent,
        "sealing_seizure",
        "sealing_seizure",
        now,
        "查封现场（示例）",
        codec="hevc",  # a camera that records H.265: the system adds a playable H.264 copy
    )
    cases.emergency_measure_execute(
        actor=officers[12],
        case=urgent,
        measure="sealing",
        finding=urgent.findings.get(),
        content_text="查封3号采煤工作面，期限30日（示例）。",
        officers=officers[12:14],
        started_at=now - datetime.timedelta(minutes=10),
        ended_at=now,
        identity_shown=True,
        items=[
            {
                "name": "3号采煤工作面（示例）",
                "specification": "—",
                "quantity": "1处",
                "place": "井下3号采区",
            }
        ],
    )
