"""ADR 0006, the legal language: a review submitted and decided while the officer and the
reviewer work in English records the declaration, the major-decision reasons and the 法制审核意见书
(content and PDF) in Chinese; the reviewer's errors stay in English."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sanxiang.documents.rendering import render_pdf
from sanxiang.ledger.models import LedgerEntry
from sanxiang.review import services
from sanxiang.testing import factories
from sanxiang.testing.language import (
    assert_legal_language,
    english,
    ledger_text,
    pdf_text,
    strings,
)

OPINION_LABELS = ("案由", "当事人", "审核方式", "书面审核。", "决定类别", "拟作出的决定")


def test_a_review_done_in_english_is_recorded_in_chinese(team, officers, monkeypatch):
    officer, reviewer = team["officer"], team["reviewer"]
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", render_pdf)  # typeset it
    with translation.override("en"):
        case = factories.major_case(officers=officers, mine=team["mine"], head=team["head"])
        review = factories.review_submitted(case=case, officer=officer)
        review = factories.review_in_progress(review=review, reviewer=reviewer)
        factories.review_checklist(review=review, reviewer=reviewer)
        with pytest.raises(ValidationError) as refused:
            services.opinion_issue(actor=reviewer, review=review, kind="bogus", reasons="同意。")
        assert refused.value.message_dict["kind"] == [english("请选择审核意见。")]
        opinion = services.opinion_issue(
            actor=reviewer, review=review, kind="approve", reasons="事实清楚，证据确凿，同意。"
        )

    proposal = case.proposals.get(kind="penalty", status="pending")
    [match] = proposal.major_matches
    assert match["reason"].startswith("对煤矿罚款60,000元")
    assert_legal_language(strings(proposal.major_matches), "对煤矿罚款")

    submission = review.current_submission
    assert submission.declaration.startswith("本人对送审材料的真实性")
    assert submission.major_matches == proposal.major_matches
    assert_legal_language(submission.declaration + strings(submission.major_matches))

    content = strings(opinion.document.content)
    assert "对煤矿罚款60,000元" in content and "审核意见：同意" in content
    assert_legal_language(content, *OPINION_LABELS, "无问题")
    printed = pdf_text(opinion.document.pdf_path)
    assert "法制审核意见书" in printed and "审核方式" in printed
    assert_legal_language(printed, *OPINION_LABELS)
    for entry in LedgerEntry.objects.filter(action__startswith="review."):
        assert_legal_language(ledger_text(entry))
