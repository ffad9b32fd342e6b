"""ADR 0006, the legal language: results drafted from decisions taken in English, released by
editors working in English, and the annual report they approve, are public records in Chinese;
the editors' errors stay in English."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sanxiang.cases import services as cases
from sanxiang.inspections import services as inspections
from sanxiang.ledger.models import LedgerEntry
from sanxiang.publicity import annual, services
from sanxiang.publicity.models import Publication
from sanxiang.testing import factories
from sanxiang.testing.language import (
    assert_legal_language,
    english,
    ledger_text,
    pdf_text,
    strings,
)


@pytest.fixture
def _typeset_as_html(monkeypatch):
    """The decisions' PDFs are not what these tests read."""
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)


def drafted(source_type: str) -> Publication:
    return Publication.objects.get(source_type=source_type)


@pytest.mark.usefixtures("_typeset_as_html")
def test_measures_and_decisions_taken_in_english_draft_chinese_results(
    team, catalogs, django_capture_on_commit_callbacks
):
    officer = team["officers"][0]
    now = timezone.now()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        plan = factories.inspection_plan(
            officers=team["officers"], mine=team["mine"], head=team["head"]
        )
        visit = factories.inspection(plan=plan)
        inspections.onsite_measure_take(
            actor=officer,
            inspection=visit,
            kind="withdraw_workers",
            content="立即从3号工作面撤出作业人员。",
        )
        case = factories.filed_case(
            officers=team["officers"],
            mine=team["mine"],
            head=team["head"],
            code="WF-002",
            major_hazard=True,
        )
        factories.recording(
            actor=officer,
            activity="sealing_seizure",
            subject=case,
            stage="sealing_seizure",
            started_at=(now - datetime.timedelta(hours=1)).isoformat(),
            ended_at=now.isoformat(),
        )
        act = cases.emergency_measure_execute(
            actor=officer,
            case=case,
            measure="sealing",
            finding=case.findings.get(),
            content_text="查封3号采煤工作面，期限30日。",
            officers=team["officers"],
            started_at=now - datetime.timedelta(minutes=40),
            ended_at=now,
            legal_basis="《中华人民共和国安全生产法》第六十五条",
            **factories.ONSITE_SHOWN,
        )
        factories.decided_case(officers=team["officers"], head=team["head"], mine=team["mine"])

    withdraw = drafted("inspections.onsitemeasure")
    assert withdraw.fields["enforcement_type"] == "责令从危险区域撤出作业人员"
    assert withdraw.title.startswith("行政强制 · ")
    sealing = drafted("cases.caseact")
    assert sealing.fields["enforcement_type"] == "查封"
    penalty = drafted("cases.case")
    assert penalty.fields["penalty_category"] == "罚款"
    for publication in (withdraw, sealing, penalty):
        assert_legal_language(
            strings(publication.fields), "责令从危险区域撤出作业人员", "查封", "罚款"
        )
    measure_document = strings(act.document.content)
    assert "为保障安全生产，本机关决定立即采取以下措施：查封。" in measure_document
    assert_legal_language(measure_document, "查封", "事由和事实", "依据", "决定")
    for entry in LedgerEntry.objects.filter(action="publication.draft"):
        assert_legal_language(ledger_text(entry))


def test_a_result_released_in_english_is_published_in_chinese(team, individual_facts):
    with translation.override("en"):
        publication = services.publication_manual_create(
            actor=team["editor"],
            agency=team["mine"].supervising_agency,
            category="penalty",
            decided_on=timezone.localdate(),
            person=team["person"],
            fields={
                "decision_number": "测（甲）煤安罚〔2026〕1号",
                "violation_type": "未按规定对从业人员进行安全生产教育和培训",
                "violation_facts": individual_facts,
                "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
                "penalty_category": "罚款",
                "penalty_content": "对张三丰处以罚款人民币5000元。",
                "fine_amount": "0.5",
                "valid_until": "2099-12-31",
            },
        )
        with pytest.raises(ValidationError) as refused:
            services.publication_confirm(
                actor=team["editor"], publication=publication, confirmed=False
            )
        assert refused.value.message_dict["confirmed"] == [
            english("请核对原文与公开文本后勾选确认。")
        ]
        publication = services.publication_confirm(
            actor=team["editor"], publication=publication, confirmed=True
        )
        publication = services.publication_review(actor=team["reviewer"], publication=publication)
        publication = services.publication_approve(actor=team["head"], publication=publication)

    assert publication.title.startswith("行政处罚 · ")
    assert publication.review_opinion == publication.approval_opinion == "同意公开。"
    marks = [(r.replacement, r.note) for r in publication.redactions.all()]
    assert ("〔手机号码已隐去〕", "") in marks
    assert_legal_language(strings(marks), "手机号码", "当事人为自然人，按规则不公开其姓名。")
    version = publication.live_version
    facts = version.public_fields["violation_facts"]
    assert "〔手机号码已隐去〕" in facts and "13912345678" not in facts
    withheld = strings(version.withheld)
    assert "手机号码" in withheld and "整项" in withheld
    assert_legal_language(strings(version.public_fields), "手机号码", "居民身份证号码")
    assert_legal_language(withheld, "手机号码", "整项", "个人隐私")
    for entry in LedgerEntry.objects.filter(object_type="publicity.publication"):
        assert_legal_language(ledger_text(entry), "同意公开。", "手机号码", "整项")


def test_an_annual_report_made_in_english_is_published_in_chinese(team, province):
    year = timezone.localdate().year - 1
    provincial = province["provincial"]
    own_team = factories.publicity_team(agency=provincial)

    def release(crew, agency, mine, n):
        publication = services.publication_manual_create(
            actor=crew["editor"],
            agency=agency,
            category="penalty",
            decided_on=datetime.date(year, 3, n),
            mine=mine,
            fields={
                "decision_number": f"罚〔{year}〕{n}号",
                "violation_type": "违法行为",
                "violation_facts": "事实",
                "penalty_basis": "依据",
                "penalty_category": "罚款",
                "penalty_content": "内容",
                "fine_amount": "1",
                "valid_until": "2099-12-31",
            },
        )
        services.publication_confirm(actor=crew["editor"], publication=publication, confirmed=True)
        services.publication_review(actor=crew["reviewer"], publication=publication)
        return services.publication_approve(actor=crew["head"], publication=publication)

    with translation.override("en"):
        release(own_team, provincial, factories.mine(agency=provincial), 1)
        release(team, province["a"], team["mine"], 2)
        withdrawn = release(team, province["a"], team["mine"], 3)
        services.publication_withdraw(
            actor=team["head"], publication=withdrawn, reason="被撤销", reason_kind="revoked"
        )
        report = annual.annual_report_generate(
            actor=own_team["editor"], agency=provincial, year=year
        )
        report = annual.annual_report_approve(actor=own_team["head"], report=report)

    assert report.data["subordinates"][0]["name"] == f"{provincial.name}（本级）"
    assert report.data["withdrawn"]["by_reason"] == {"决定被依法撤销": 1}
    assert_legal_language(strings(report.data), "%(name)s（本级）", "决定被依法撤销")
    printed = pdf_text(report.pdf_path)
    assert f"{year}年度行政执法统计年报" in printed and "各类执法决定公示数量" in printed
    assert_legal_language(
        printed, "各类执法决定公示数量", "行政处罚按处罚类别", "按决定月份", "所属机构公示数量"
    )
