"""Demo data for P11 item 5 and 6: a decided case under reconsideration (its archive held), a
suspected crime reported on another case (the head's 3-day clock running), and an error report
on a published result waiting for the editor's answer."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.cases import appeals, transfers
from sanxiang.cases.models import Case
from sanxiang.org.models import Agency
from sanxiang.publicity import corrections
from sanxiang.publicity.models import Publication


def load_demo_appeals(*, province: Agency) -> None:
    east = province.children.order_by("pk").first()
    if east is None:
        return
    head = east.staff.get(username__startswith="head")
    today = timezone.localdate()
    decided = Case.objects.filter(agency=east, decided_on__isnull=False).order_by("-pk").first()
    if decided is not None:
        appeals.appeal_register(
            actor=head,
            case=decided,
            kind="reconsideration",
            applicant=str(decided.party or "当事人"),
            body="示例省应急管理厅（示例）",
            filed_on=today,
            reference="示应复〔2026〕1号（示例）",
        )
    pending = Case.objects.filter(agency=east, status="pending_decision").order_by("pk").first()
    if pending is not None:
        transfers.transfer_report(
            actor=pending.officers.order_by("pk").first(),
            case=pending,
            suspected_crime="重大责任事故罪（示例）",
            facts="调查中发现该矿违章指挥作业人员进入瓦斯超限区域，涉嫌重大责任事故罪（示例）。",
        )
    live = (
        Publication.objects.filter(agency__path__startswith=east.path, status="published")
        .order_by("pk")
        .first()
    )
    if live is not None:
        corrections.error_report_submit(
            publication_id=live.pk,
            field_label="",
            description="公示的决定日期与决定书上的日期不一致（示例反馈）。",
            address="demo",
        )
