"""BZ-5: a unit's annual assessment equals the hand-computed sum of the catalog's weights times
the indicators, plus the manual item; the superior sees it only once the head approved and
reported it; approving needs a fresh second factor (step-up)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.core.readable import may_read
from sanxiang.supervision import catalogs
from sanxiang.supervision.assessment import selectors, services
from sanxiang.supervision.training import services as training
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def test_the_score_is_the_catalog_weights_times_the_indicators_and_the_superior_waits_for_approval(
    province,
):
    sub = province["a"]
    head = factories.head(agency=sub)
    superior = factories.head(agency=province["provincial"])
    officers = [factories.officer(agency=sub) for _ in range(3)]
    today = timezone.localdate()
    training.training_record_create(
        actor=officers[0],
        staff=officers[0],
        course="执法规范化培训",
        organiser="测试省局",
        started_on=today - datetime.timedelta(days=5),
        ended_on=today,
        hours="40",
    )
    sheet = services.assessment_compute(actor=head, agency=sub, year=today.year)
    lines = {line.code: line for line in sheet.lines.all()}
    weights = {i["code"]: Decimal(i["weight"]) for i in catalogs.assessment_weights()["indicators"]}
    assert weights == {
        "review_timeliness": 20,
        "publication_timeliness": 20,
        "rectification_on_time": 20,
        "training_completion": 15,
        "notices_on_time": 15,
    }
    # Hand-computed: no reviews, publications, due rectifications or notices this year (full
    # marks: 20 + 20 + 20 + 15); 1 of 3 officers trained: 15 × 1/3 = 5.00; manual item 8.
    assert lines["training_completion"].score == Decimal("5.00")
    assert "1/3" in lines["training_completion"].basis
    assert sheet.total == Decimal("80.00")
    with pytest.raises(ValidationError):  # the manual item is not scored yet
        services.assessment_approve(actor=head, sheet=sheet)
    with pytest.raises(ValidationError) as exc:
        services.assessment_manual_score(
            actor=head, sheet=sheet, code="system_building", score="11", note=""
        )
    assert {"score", "note"} <= set(exc.value.message_dict)
    sheet = services.assessment_manual_score(
        actor=head, sheet=sheet, code="system_building", score="8", note="制度健全，宣传不足。"
    )
    assert sheet.total == Decimal("88.00") == 20 + 20 + 20 + 5 + 15 + 8

    # The superior sees nothing before approval and reporting.
    assert sheet not in selectors.sheet_list(user=superior)
    assert not may_read(superior, "supervision.assessmentsheet", str(sheet.pk))
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=superior, sheet=sheet)
    with pytest.raises(ValidationError):
        services.assessment_publish(actor=head, sheet=sheet)  # not approved yet

    # Approving from a page needs a fresh second factor.
    client = Client()
    sign_in(client, head, second_factor_at=0)
    response = client.post(f"/supervision/assessment/{sheet.pk}/approve/")
    assert response.status_code in (302, 403)
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    sign_in(client, head)
    response = client.post(f"/supervision/assessment/{sheet.pk}/approve/")
    assert response.status_code == 302, response.content[:300]
    sheet.refresh_from_db()
    assert sheet.status == "approved" and sheet.approved_by == head
    assert sheet not in selectors.sheet_list(user=superior)

    sheet = services.assessment_publish(actor=head, sheet=sheet)
    assert sheet in selectors.sheet_list(user=superior)
    assert may_read(superior, "supervision.assessmentsheet", str(sheet.pk))
    assert not may_read(
        factories.head(agency=province["b"]), "supervision.assessmentsheet", str(sheet.pk)
    )
    with pytest.raises(ValidationError):
        services.assessment_compute(actor=head, agency=sub, year=today.year)  # frozen
