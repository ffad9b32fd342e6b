"""Demo records for the statistics and risk signals (issue 16 items 2 and 6): in the second
sub-bureau, one mine found three times with the same violation over the last two months, the
last time with a rectification order whose time limit has passed unverified — so the heads'
watch list has a mine at the top with its reasons, and the statistics an overdue
rectification to drill down to."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sanxiang.catalog.selectors import compendium_search
from sanxiang.inspections import services as inspections
from sanxiang.org.models import Agency

from .enforcement import Demo

VISITS_DAYS_AGO = (60, 40, 20)


def load_demo_risk(*, province: Agency) -> None:
    bureaus = list(province.children.order_by("pk"))
    if len(bureaus) < 2:
        return
    demo = Demo(bureaus[1])
    if len(demo.officers) < 2 or len(demo.mines) < 2:
        return
    today = timezone.localdate()
    pair, mine = demo.officers[0:2], demo.mines[1]
    for index, days_ago in enumerate(VISITS_DAYS_AGO):
        day = today - datetime.timedelta(days=days_ago)
        plan = inspections.inspection_plan_create(
            actor=pair[0],
            agency=demo.bureau,
            mine=mine,
            item_codes=["SJ-001", "SJ-003"],
            content="检查从业人员安全培训情况（示例）。",
            legal_basis="《中华人民共和国安全生产法》第六十五条",
            officers=pair,
            planned_start=day - datetime.timedelta(days=2),
            planned_end=day + datetime.timedelta(days=5),
        )
        inspections.inspection_plan_submit(actor=pair[0], plan=plan)
        plan = inspections.inspection_plan_approve(actor=demo.head, plan=plan, opinion="同意。")
        visit = inspections.inspection_open(
            actor=pair[0],
            plan=plan,
            officers=pair,
            inspected_on=day,
            location="井下采掘工作面（示例）",
            identity_shown=True,
            party_present="安全副矿长（示例）",
        )
        entry = compendium_search(agency=demo.bureau, on=day).get(code="WF-001")
        finding = inspections.finding_add(
            actor=pair[0],
            inspection=visit,
            entry=entry,
            facts=f"第{index + 1}次检查：抽查井下作业人员，仍有人员无安全培训记录（示例）。",
            location="井下",
        )
        if index == len(VISITS_DAYS_AGO) - 1:
            inspections.onsite_measure_take(
                actor=pair[0],
                inspection=visit,
                kind="rectify_within_limit",
                finding=finding,
                content="责令限期完成全部井下作业人员的安全培训（示例）。",
                days=5,
            )
        inspections.inspection_complete(
            actor=pair[0], inspection=visit, summary="发现问题1项（示例）。"
        )
