"""Disposal through the API and the pages (ADR 0130): bad input is a 4xx problem in Chinese
and writes nothing; approving needs the head and a fresh second factor; the pages in words."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from sanxiang.archive import disposal, holds
from sanxiang.archive.models import (
    AppraisalStatus,
    DisposalAppraisal,
    DisposalTombstone,
    HoldKind,
    LegalHold,
)
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

from .test_api_and_pages import _client, _post
from .test_disposal import _appraise, _file, _line
from .test_filing import _units

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def due(team, monkeypatch):
    (unit,) = _file(team, _units(team, 1))
    monkeypatch.setattr(disposal, "_today", lambda: unit.retention_due)
    return unit


@pytest.fixture
def appraiser(team):
    return factories.officer(agency=team["custodian"].agency, full_name="孙业务")


def _body(team, due, appraiser, **overrides):
    body = {
        "opinion": "保管期满，经鉴定无继续保存价值。",
        "appraiser_ids": [team["custodian"].pk, appraiser.pk],
        "lines": [{"unit_id": due.pk, "verdict": "destroy", "reason": "保管期满。"}],
    }
    body.update(overrides)
    return body


def test_bad_input_is_a_4xx_in_chinese_and_writes_nothing(team, due, appraiser):
    client = _client(team["custodian"])
    line = {"unit_id": due.pk, "verdict": "destroy", "reason": "保管期满。"}
    bad = [
        {},
        _body(team, due, appraiser, lines=[]),
        _body(team, due, appraiser, opinion=""),
        _body(team, due, appraiser, appraiser_ids=[team["custodian"].pk]),
        _body(team, due, appraiser, appraiser_ids=[appraiser.pk, team["officer"].pk]),
        _body(team, due, appraiser, appraiser_ids=[999999, appraiser.pk]),
        _body(team, due, appraiser, lines=[{**line, "verdict": "burn"}]),
        _body(team, due, appraiser, lines=[{**line, "verdict": "extend"}]),
        _body(team, due, appraiser, lines=[{**line, "verdict": "extend", "extend_years": 99}]),
        _body(team, due, appraiser, lines=[{**line, "reason": "x" * 501}]),
        _body(team, due, appraiser, lines=[line, line]),
        _body(team, due, appraiser, lines=[{**line, "unit_id": 999999}]),
        _body(team, due, appraiser, extra=1),
        _body(team, due, appraiser, appraised_on="2999-01-01"),
    ]
    events = LedgerEntry.objects.count()
    for body in bad:
        response = _post(client, "/api/archive/disposal/appraisals", body)
        assert 400 <= response.status_code < 500, (body, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        problem = response.json()
        messages = [e["message"] for e in problem.get("errors") or []] or [problem["detail"]]
        assert all(CJK.search(m) for m in messages), (body, problem)
    assert not DisposalAppraisal.objects.exists()
    assert LedgerEntry.objects.count() == events
    holds_before = LegalHold.objects.count()
    for body in (
        {"unit_id": due.pk, "kind": "litigation", "reason": ""},
        {"unit_id": due.pk, "kind": "unpaid_fine", "reason": "手工"},
        {"kind": "litigation", "reason": "在审"},
        {"unit_id": due.pk, "kind": "nonsense", "reason": "在审"},
    ):
        response = _post(_client(team["head"]), "/api/archive/disposal/holds", body)
        assert 400 <= response.status_code < 500, body
    assert LegalHold.objects.count() == holds_before


def test_approval_needs_the_head_with_a_fresh_second_factor(
    team, due, appraiser, django_capture_on_commit_callbacks
):
    response = _post(
        _client(team["custodian"]), "/api/archive/disposal/appraisals", _body(team, due, appraiser)
    )
    assert response.status_code == 200, response.content
    appraisal_id = response.json()["id"]
    path = f"/api/archive/disposal/appraisals/{appraisal_id}/approve"
    assert _post(_client(team["custodian"]), path, {}).status_code == 403
    stale = sign_in(Client(), team["head"], second_factor_at=time.time() - 3600)
    stale.get("/account/")
    assert _post(stale, path, {}).status_code == 403
    assert DisposalAppraisal.objects.get().status == AppraisalStatus.PENDING
    response = _post(_client(team["head"]), path, {"opinion": "同意销毁"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert LedgerEntry.objects.filter(action="archive.dispose").count() == 1
    execute = f"/api/archive/disposal/appraisals/{appraisal_id}/execute"
    custodian = _client(team["custodian"])
    stale_state = _post(custodian, execute, {"expected_status": "pending"})
    assert stale_state.status_code == 422 and not DisposalTombstone.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(custodian, execute, {"expected_status": "approved"})
    assert response.status_code == 200, response.content
    (tomb,) = response.json()
    assert tomb["archival_code"] == due.archival_code and tomb["destroyed"]
    listed = custodian.get("/api/archive/disposal/tombstones").json()
    assert [t["id"] for t in listed] == [tomb["id"]]


def test_pages_in_words(team, due, appraiser):
    head, custodian = _client(team["head"]), _client(team["custodian"])
    page = custodian.get("/archive/disposal/").content.decode()
    assert due.archival_code in page and "登记鉴定" in page
    unit_page = head.get(f"/archive/{due.pk}/").content.decode()
    assert "设置保全" in unit_page and "该案卷没有保全" in unit_page
    response = head.post(f"/archive/{due.pk}/hold/", {"kind": "petition", "reason": ""})
    assert response.status_code == 400 and not LegalHold.objects.exists()
    response = head.post(f"/archive/{due.pk}/hold/", {"kind": "petition", "reason": "信访办理中。"})
    assert response.status_code == 302
    unit_page = head.get(f"/archive/{due.pk}/").content.decode()
    assert "信访事项未办结" in unit_page and "解除保全" in unit_page
    hold = LegalHold.objects.get()
    holds.release_hold(hold, "已办结。", team["head"])
    form = custodian.get("/archive/disposal/appraise/").content.decode()
    assert "鉴定为销毁的案卷" in form and due.archival_code in form
    response = custodian.post(
        "/archive/disposal/appraise/",
        {
            "destroy": [due.pk],
            "destroy_reason": "保管期满。",
            "appraisers": [team["custodian"].pk, appraiser.pk],
            "appraised_on": due.retention_due.isoformat(),
            "opinion": "无继续保存价值。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appraisal = DisposalAppraisal.objects.get()
    detail = head.get(f"/archive/disposal/{appraisal.pk}/").content.decode()
    assert "批准销毁" in detail and "销毁" in detail
    response = head.post(f"/archive/disposal/{appraisal.pk}/decide/", {"decision": "refuse"})
    assert response.status_code == 400  # a refusal needs its reason
    response = head.post(
        f"/archive/disposal/{appraisal.pk}/decide/", {"decision": "approve", "opinion": "同意"}
    )
    assert response.status_code == 302
    for internal in ("destroy", "approved", "petition", "archive.disposal"):
        assert internal not in head.get(f"/archive/disposal/{appraisal.pk}/").content.decode()
    assert "还没有销毁记录" in custodian.get("/archive/disposal/tombstones/").content.decode()


def test_a_unit_under_appraisal_is_not_offered_again(team, due, appraiser):
    _appraise(team, appraiser, [_line(due)])
    assert disposal.due_units(user=team["custodian"]) == []
    assert not holds.active_holds(due).exists()
    # A hold set while the appraisal waits is shown with it and stops the approval.
    holds.place_hold(due, HoldKind.LITIGATION, "诉讼在审。", team["head"])
    page = _client(team["head"]).get(f"/archive/disposal/{DisposalAppraisal.objects.get().pk}/")
    assert "行政诉讼未结" in page.content.decode()
