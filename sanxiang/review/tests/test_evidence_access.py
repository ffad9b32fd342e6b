"""The reviewer sees the evidence he reviews (SH-CONT-1 (4), SH-CONT-2; JL-USE-2): the legal
reviewer assigned to an open round of a case's review views and plays the case's recordings
while the review office holds the file, each access in the ledger like any other; another
reviewer does not, and the round's opinion ends it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanxiang.evidence import access as access_rules
from sanxiang.evidence import services as evidence
from sanxiang.evidence.models import Recording
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.verification import verify_ledger
from sanxiang.review import services
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _plays(user, recording: Recording) -> int:
    response = _client(user).get(
        f"/evidence/recordings/{recording.pk}/stream", headers={"Range": "bytes=0-99"}
    )
    return response.status_code


def _last_access(recording: Recording) -> LedgerEntry:
    return (
        LedgerEntry.objects.filter(object_type="evidence.recording", object_id=str(recording.pk))
        .order_by("-seq")
        .first()
    )


@pytest.fixture
def submitted(emergency, team):
    """The sealing's review afterwards, submitted; the case has the sealing's recording."""
    case, act = emergency
    review = services.review_submit(
        actor=team["officer"], case=case, proposal=act.proposal, declaration=True
    )
    recording = Recording.objects.get(subject_type="cases.case", subject_id=str(case.pk))
    return review, recording


def test_the_assigned_reviewer_plays_the_recordings_while_the_round_is_open(
    submitted, team, province
):
    review, recording = submitted
    reviewer = team["reviewer"]
    colleague = factories.legal_reviewer(agency=province["a"], full_name="周审核")
    assert _plays(reviewer, recording) == 403  # not assigned yet: a retrieval like anyone

    review = services.review_assign(actor=reviewer, review=review, reviewer=reviewer)
    assert _plays(reviewer, recording) == 206
    review = services.review_receive(actor=reviewer, review=review)
    assert review.status == ReviewStatus.IN_REVIEW

    # The review page links the recording; its page shows the player and logs the view.
    review_page = _client(reviewer).get(f"/review/{review.pk}/").content.decode()
    assert f"/evidence/recordings/{recording.pk}/" in review_page
    detail = _client(reviewer).get(f"/evidence/recordings/{recording.pk}/")
    assert detail.context["access"].view and not detail.context["access"].download
    view = _last_access(recording)
    assert (view.action, view.actor_id) == ("recording.view", reviewer.pk)

    assert _plays(reviewer, recording) == 206
    stream = _last_access(recording)
    assert (stream.action, stream.actor_id) == ("recording.stream", reviewer.pk)
    assert json.loads(stream.body)["details"]["basis"] == f"review:{review.pk}"

    # View and play only: a download still needs a retrieval approval.
    assert _client(reviewer).get(f"/evidence/recordings/{recording.pk}/download").status_code == 403
    assert _last_access(recording).action == "recording.access_refused"

    # Another reviewer of the same office, not assigned: refused, and that is logged too.
    assert not access_rules.access_for(colleague, recording).view
    assert _plays(colleague, recording) == 403
    refused = _last_access(recording)
    assert (refused.action, refused.actor_id) == ("recording.access_refused", colleague.pk)

    # The opinion closes the round (and here the review): the access ends with it.
    factories.review_checklist(review=review, reviewer=reviewer)
    services.opinion_issue(actor=reviewer, review=review, kind="approve", reasons="措施合法适当。")
    assert _plays(reviewer, recording) == 403
    refused = _last_access(recording)
    assert (refused.action, refused.actor_id) == ("recording.access_refused", reviewer.pk)
    assert verify_ledger().ok


def test_access_follows_the_rounds_not_the_review(major_case, team):
    """A returned opinion ends the round; resubmission opens the next one for the same reviewer.
    Recordings of other cases, and secret ones, stay closed to him."""
    reviewer, officer = team["reviewer"], team["officer"]
    recording = factories.recording(actor=officer, activity="investigation", subject=major_case)
    other_case = factories.major_case(
        officers=[officer, team["partner"]], mine=team["mine"], head=team["head"]
    )
    elsewhere = factories.recording(actor=officer, activity="investigation", subject=other_case)
    review = factories.review_submitted(case=major_case, officer=officer)
    review = factories.review_in_progress(review=review, reviewer=reviewer)
    assert access_rules.access_for(reviewer, recording).basis == f"review:{review.pk}"
    assert not access_rules.access_for(reviewer, elsewhere).view

    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"facts_evidence": "缺少现场检查的音像记录。"}
    )
    review = services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="investigate",
        reasons="证据不足，请补充调查。",
    ).review
    assert review.status == ReviewStatus.RETURNED
    assert not access_rules.access_for(reviewer, recording).view

    review = services.review_resubmit(
        actor=officer, review=review, response="已补充调查。", declaration=True
    )
    assert review.round == 2 and review.reviewer_id == reviewer.pk
    assert access_rules.access_for(reviewer, recording).view

    # A trade or state secret still needs a head's retrieval approval (JL-ARC-2).
    evidence.recording_set_confidentiality(
        actor=team["head"], recording=recording, level="trade_secret", reason="涉及企业工艺参数。"
    )
    recording.refresh_from_db()
    assert not access_rules.access_for(reviewer, recording).view


def test_secret_recording_titles_are_masked_in_review_materials_and_on_the_case_page(
    emergency, team, province
):
    """JL-ARC-2, ADR 0065: the materials manifest keeps the real title (its digest covers it),
    but a colleague without access to the recording reads it masked — on the review page, in
    the review API and on the case page — as everywhere else; the case team reads it."""
    case, act = emergency
    recording = Recording.objects.get(subject_type="cases.case", subject_id=str(case.pk))
    recording = evidence.recording_update(
        actor=team["officer"], recording=recording, title="泰安矿查封工作面实况"
    )
    evidence.recording_set_confidentiality(
        actor=team["head"], recording=recording, level="trade_secret", reason="涉及企业工艺"
    )
    review = services.review_submit(
        actor=team["officer"], case=case, proposal=act.proposal, declaration=True
    )
    stored = review.current_submission.materials
    assert "泰安矿查封工作面实况" in [m.get("title") for m in stored]
    masked = f"（商业秘密）{recording.number}"
    colleague = factories.officer(agency=province["a"], full_name="吴同事")
    for who, shown in ((colleague, masked), (team["officer"], "泰安矿查封工作面实况")):
        client = _client(who)
        review_page = client.get(f"/review/{review.pk}/").content.decode()
        case_page = client.get(f"/cases/{case.pk}/").content.decode()
        api = client.get(f"/api/review/reviews/{review.pk}").json()
        titles = [
            m["title"]
            for s in api["submissions"]
            for m in s["materials"]
            if m["type"] == "recording"
        ]
        assert titles == [shown], who
        for page in (review_page, case_page):
            assert shown in page, who
            if shown == masked:
                assert "泰安矿查封工作面实况" not in page
