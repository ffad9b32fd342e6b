"""GS-POST-2 (ADR 0157): an error report on a published result → the editor's answer → a
correction through the revision pipeline, shown as corrected on the portal; the public form is
limited per address (429), escapes what it is given, and never half-saves."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sanxiang.publicity import corrections, services
from sanxiang.publicity.models import ErrorReport


def release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


@pytest.fixture
def released(penalty_publication, team):
    return release(team, penalty_publication)


@pytest.mark.django_db
def test_error_report_is_corrected_through_the_revision_pipeline(released, team):
    client = Client()
    page = client.get(f"/public/results/{released.pk}/report-error/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    response = client.post(
        f"/public/results/{released.pk}/report-error/",
        {
            "reporter_kind": "party",
            "field_label": "处罚内容",
            "description": "罚款金额应为人民币5000元，公示写成了0.5万元以外的数额。",
        },
    )
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    status_page = client.get(response["Location"])
    assert (
        report.number in status_page.content.decode() and "待答复" in status_page.content.decode()
    )
    report = corrections.error_report_answer(
        actor=team["editor"], report=report, correct=True, reply="经核实确有笔误，予以更正。"
    )
    released.refresh_from_db()
    assert report.status == "correcting" and released.status == "draft" and released.revision == 2
    assert client.get(f"/public/results/{released.pk}/").status_code == 200  # v1 stays live
    services.publication_edit(
        actor=team["editor"],
        publication=released,
        changes={"penalty_content": "对张三丰处以罚款人民币5000元（更正）。"},
    )
    release(team, released)
    report.refresh_from_db()
    assert report.status == "corrected" and report.corrected_version == 2
    page = client.get(f"/public/results/{released.pk}/").content.decode()
    assert "根据纠错反馈更正（第 2 版）" in page and "（更正）" in page
    assert "已更正" in client.get(f"/public/corrections/{report.number}/").content.decode()


@pytest.mark.django_db
def test_no_error_answer_and_answers_only_once(released, team):
    report = corrections.error_report_submit(
        publication_id=released.pk, description="日期不对吧？", address="10.0.0.1"
    )
    with pytest.raises(ValidationError) as error:
        corrections.error_report_answer(
            actor=team["editor"], report=report, correct=False, reply=""
        )
    assert "答复" in str(error.value)
    report = corrections.error_report_answer(
        actor=team["editor"], report=report, correct=False, reply="经核实，决定日期无误。"
    )
    assert report.status == "rejected"
    released.refresh_from_db()
    assert released.status == "published" and released.revision == 1
    with pytest.raises(ValidationError):
        corrections.error_report_answer(
            actor=team["editor"], report=report, correct=True, reply="again"
        )


@pytest.mark.django_db
def test_hostile_input_is_escaped_limited_and_never_half_saved(released, settings):
    settings.SANXIANG_ERROR_REPORTS_PER_ADDRESS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="192.0.2.7")
    url = f"/public/results/{released.pk}/report-error/"
    bad = client.post(url, {"reporter_kind": "robot", "field_label": "<b>x</b>", "description": ""})
    assert bad.status_code == 400 and not ErrorReport.objects.exists()
    text = bad.content.decode()
    assert "请说明" in text or "这个字段是必填项" in text
    script = "<script>alert(1)</script>"
    ok = client.post(url, {"reporter_kind": "visitor", "description": script})
    assert ok.status_code == 302
    status = client.get(ok["Location"]).content.decode()
    assert script not in status
    client.post(url, {"reporter_kind": "visitor", "description": "第二条"})
    flood = client.post(url, {"reporter_kind": "visitor", "description": "第三条"})
    assert flood.status_code == 429 and ErrorReport.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.8")
    assert other.post(url, {"reporter_kind": "visitor", "description": "别处"}).status_code == 302
    assert Client().get(f"/public/results/{released.pk + 999}/report-error/").status_code == 404
    assert Client().get("/public/corrections/NOPE/").status_code == 404
    assert "192.0.2.7" not in str(list(ErrorReport.objects.values_list("source_mac", flat=True)))
