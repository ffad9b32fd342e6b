"""ADR 0006, the legal language: inspection plans, on-site measures and the frozen inputs of a
draw recorded while the officer works in English are Chinese; his errors stay in English."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sanxiang.inspections import services
from sanxiang.inspections.models import DrawExclusion, RelationKind
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.language import (
    assert_legal_language,
    english,
    english_client,
    ledger_text,
    strings,
)


def test_plan_and_measure_documents_made_in_english_are_chinese(team, officers):
    officer, head = team["officer"], team["head"]
    with translation.override("en"):
        plan = factories.inspection_plan(officers=officers, mine=team["mine"], approved=False)
        services.inspection_plan_submit(actor=officer, plan=plan)
        plan = services.inspection_plan_approve(actor=head, plan=plan)  # no opinion written
        visit = factories.inspection(plan=plan)
        take = {"actor": officer, "inspection": visit, "kind": "rectify_within_limit"}
        with pytest.raises(ValidationError) as refused:
            services.onsite_measure_take(**take, content="限期完成培训。")
        assert refused.value.message_dict["days"] == [
            english("责令限期整改须给出1至%(n)d日的整改期限。") % {"n": 365}
        ]
        measure = services.onsite_measure_take(**take, content="限期完成培训。", days=10)

    plan_text = strings(plan.document.content)
    assert "同意。" in plan_text and "检查内容和重点" in plan_text
    assert_legal_language(plan_text, "检查时间", "检查人员", "负责人审批意见", "同意。")
    entry = LedgerEntry.objects.get(action="inspection_plan.approve")
    assert '"opinion":"同意。"' in entry.body
    assert_legal_language(ledger_text(entry), "同意。")
    measure_text = strings(measure.document.content)
    assert "整改期限：自本指令书送达之日起10日内" in measure_text
    assert_legal_language(measure_text, "检查发现的问题", "见现场检查记录。", "处理决定")


def test_the_suggested_approval_opinion_is_chinese_on_an_english_page(team, officers):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], approved=False)
    services.inspection_plan_submit(actor=team["officer"], plan=plan)
    page = english_client(team["head"]).get(f"/inspections/plans/{plan.pk}/approve/")
    page = page.content.decode()
    assert 'value="同意。"' in page and english("审批意见") in page


def test_frozen_draw_inputs_are_chinese_when_committed_in_english(province, catalogs):
    sub = province["a"]
    officers = [factories.officer(agency=sub) for _ in range(4)]
    mine = factories.mine(agency=sub)
    head = factories.head(agency=sub)
    factories.inspection(
        plan=factories.inspection_plan(officers=officers[:2], mine=mine, head=head)
    )
    today = timezone.localdate()
    with translation.override("en"):
        plan = services.enforcement_plan_create(
            actor=head,
            agency=sub,
            kind="annual",
            year=today.year,
            title=f"{today.year}年度监察执法计划（测试）",
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        )
        plan = services.enforcement_plan_approve(actor=head, plan=plan, opinion="同意。")
        draw = services.draw_create(
            actor=officers[0],
            enforcement_plan=plan,
            title="第一季度双随机抽查（测试）",
            item_codes=["SJ-001", "SJ-003"],
            share_key="100",
            share_general="100",
        )
        draw = services.draw_commit(actor=officers[0], draw=draw)
    automatic = DrawExclusion.objects.filter(draw=draw, kind=RelationKind.LAST_INSPECTION)
    assert automatic.count() == 2
    assert all(e.reason.startswith("参加了该矿上次现场检查") for e in automatic)
    reasons = strings(draw.inputs["exclusions"])
    assert "上次检查过该矿" in reasons
    assert_legal_language(reasons, "上次检查过该矿")
    assert_legal_language(strings(draw.inputs))
