"""GS-MID-3, GS-POST-1: the staff-side walk of one application — one material missing →
correction notice → completed → accepted → granted → licence issued → publication drafted with
its 7-working-day clock; the progress timeline shows every step; the PDFs read back."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.core.blobstore import blob_read
from sanxiang.core.workdays import add_working_days
from sanxiang.documents.models import Document
from sanxiang.licensing import selectors, services, workflow
from sanxiang.licensing.workflow import ApplicationStatus
from sanxiang.publicity.models import Publication

from .conftest import materials

D = datetime.date


def pdf_text(document: Document) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=blob_read(document.pdf_path), capture_output=True, check=True
    ).stdout.decode()


def test_every_row_has_its_service():
    rows = {row.action for row in workflow.TRANSITIONS + workflow.IN_STATE_ACTIONS}
    assert rows == set(services.ROW_SERVICES)


@pytest.mark.django_db
def test_staff_walk_from_missing_material_to_published_licence(window):
    officer, head, mine, item = window["officer"], window["head"], window["mine"], window["item"]
    application = services.submit_application(
        mine=mine,
        item=item,
        materials=materials(item, skip=1),
        request="申请煤矿安全生产许可相关事项（测试）",
        registered_by=officer,
        received_on=D(2026, 9, 29),
    )
    code = application.query_code
    assert application.query_code_hash != code and len(code) == 8
    missing = item.material_list[-1]

    application = services.correction_notice(
        actor=officer, application=application, missing=[missing], on=D(2026, 9, 30)
    )
    assert application.status == ApplicationStatus.CORRECTION
    application = services.correction_complete(
        application=application,
        materials=[materials(item)[-1]],
        registered_by=officer,
        on=D(2026, 10, 9),
    )
    assert application.acceptance_due == D(2026, 10, 15)
    application = services.accept(actor=officer, application=application, on=D(2026, 10, 12))
    assert application.decision_due == D(2026, 11, 9)
    with pytest.raises(PermissionDenied):  # a grant is the head's
        services.grant(actor=officer, application=application, scope="x", valid_to=D(2029, 10, 20))
    application = services.grant(
        actor=head,
        application=application,
        scope="准予办理煤矿安全生产许可相关事项（测试）",
        valid_to=D(2029, 10, 19),
        on=D(2026, 10, 20),
    )
    assert application.licence_due == add_working_days(D(2026, 10, 20), 10).date
    publication = Publication.objects.get(
        source_type="licensing.application", source_id=str(application.pk)
    )
    assert publication.category == "licensing"
    assert publication.due_on == add_working_days(D(2026, 10, 20), 7).date
    assert publication.fields["licence_content"].startswith("准予办理")
    assert publication.fields["decision_number"].endswith("号")

    licence = services.licence_issue(
        actor=officer,
        application=application,
        number="（测）MK安许证字〔2026〕001",
        on=D(2026, 10, 21),
    )
    mine.refresh_from_db()
    assert mine.licence_number == licence.number and mine.licence_valid_until == D(2029, 10, 19)
    services.licence_change(
        actor=head, licence=licence, action="suspend", reason="暂扣（测试）", on=D(2026, 11, 2)
    )
    mine.refresh_from_db()
    assert not mine.licence_is_valid_on(D(2026, 11, 3))

    view = selectors.progress_lookup(application.number, code)
    assert [s.label for s in view.steps] == [
        "窗口登记纸质申请",
        "一次性告知补正",
        "申请人补正材料",
        "受理",
        "决定准予行政许可",
        "颁发许可证",
    ]
    assert view.steps[0].on == D(2026, 9, 29)
    assert selectors.progress_lookup(application.number, "WRONGCOD") is None
    assert selectors.progress_lookup("XK0000", code) is None
    assert list(selectors.applications_for_mine(mine)) == [application]

    documents = {
        d.type_code: d
        for d in Document.objects.filter(
            subject_type="licensing.application", subject_id=str(application.pk)
        )
    }
    assert set(documents) == {"licensing_correction", "licensing_acceptance", "licensing_grant"}
    correction = pdf_text(documents["licensing_correction"])
    assert "补正通知书" in correction and missing in correction.replace("\n", "")
    assert "2026年11月9日" in pdf_text(documents["licensing_acceptance"])
    grant_text = pdf_text(documents["licensing_grant"])
    assert (
        "准予行政许可决定书" in grant_text
        and documents["licensing_grant"].number.text in grant_text
    )


@pytest.mark.django_db
def test_refusals_read_back(window):
    officer, head, item = window["officer"], window["head"], window["item"]

    def submit():
        return services.submit_application(
            mine=window["mine"],
            item=item,
            materials=materials(item),
            request="申请（测试）",
            registered_by=officer,
        )

    rejected = services.reject(actor=officer, application=submit(), reasons="不属于本机关职权范围")
    denied = services.deny(
        actor=head,
        application=services.accept(actor=officer, application=submit()),
        reasons="不符合法定条件",
    )
    for application, code, words in (
        (rejected, "licensing_rejection", "不予受理"),
        (denied, "licensing_denial", "不予行政许可决定书"),
    ):
        document = Document.objects.get(subject_id=str(application.pk), type_code=code)
        text = pdf_text(document)
        assert words in text and "行政复议" in text
    assert not Publication.objects.filter(source_type="licensing.application").exists()


@pytest.mark.django_db
def test_bad_submissions_are_refused_with_field_errors(window):
    officer, item = window["officer"], window["item"]
    cases = [
        ({"materials": []}, "materials"),
        ({"request": "长" * 2001}, "request"),
        ({"materials": [services.Material("不存在的材料", "a.pdf", b"x")]}, "materials"),
        ({"materials": [services.Material(item.material_list[0], "a.exe", b"x")]}, "materials"),
        ({"received_on": D(2099, 1, 1)}, "received_on"),
    ]
    for override, field in cases:
        kwargs = {
            "mine": window["mine"],
            "item": item,
            "materials": materials(item),
            "request": "申请",
            "registered_by": officer,
            **override,
        }
        with pytest.raises(ValidationError) as error:
            services.submit_application(**kwargs)
        assert field in error.value.message_dict
    from sanxiang.licensing.models import Application

    assert not Application.objects.exists()
