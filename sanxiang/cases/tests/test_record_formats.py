"""The records in their national formats (ADR 0211) and the showing of certificates printed from
the record (GS-MID-1, ADR 0210).

Golden tests: each record is typeset, read back with ``pdftotext -layout`` and checked for its
fields and blocks — the identity block, the notice, the questions and answers, the signature
line and "第 x 页 共 y 页" on every page. The first page of each type is saved as a PNG under
``test-results/document-types/`` for people to look at.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases import documents as content
from sanxiang.cases import services
from sanxiang.cases.models import CaseAct
from sanxiang.core.blobstore import blob_read
from sanxiang.documents import rendering
from sanxiang.documents.models import Document
from sanxiang.inspections import paperwork
from sanxiang.inspections import showings as showing_rules
from sanxiang.inspections.models import CertificateShowing
from sanxiang.inspections.services.onsite import _record_document_content
from sanxiang.org.roles import Role
from sanxiang.testing import factories

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results" / "document-types"
HARD_CODED = ("执法人员已出示执法证件、表明身份，说明依据和理由。", "检查人员已出示执法证件")


def layout_pages(pdf: bytes) -> list[str]:
    """The PDF's pages as ``pdftotext -layout`` reads them."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) reads the PDFs back"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [page for page in text.split("\f") if page.strip()]


def screenshot(pdf: bytes, type_code: str) -> Path:
    """The first page as a PNG, for the lead to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / type_code
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", "-", str(stem)],
        input=pdf,
        check=True,
    )
    return stem.with_suffix(".png")


def assert_record_pages(pages: list[str], signature: str, cosign: str = "执法人员签名：") -> None:
    """Every page: its number of the total, and the signature lines of the person confirming
    and of the officers (pdftotext drops the spaces between CJK glyphs, so compare without)."""
    assert pages
    for number, page in enumerate(pages, start=1):
        flat = "".join(page.split())
        assert f"第{number}页共{len(pages)}页" in flat, page[-400:]
        assert f"{signature}＿＿＿＿＿＿＿＿" in flat, f"page {number} has no signature line"
        assert f"{cosign}＿＿＿＿＿＿＿＿" in flat


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


@pytest.fixture
def case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


def _inquiry(
    case, officers, *, showings, content_text="问：你矿是否开展了安全培训？答：尚未开展。"
):
    start = timezone.now() - datetime.timedelta(hours=2)
    return services.case_investigation_record(
        actor=officers[0],
        case=case,
        kind="inquiry",
        content_text=content_text,
        officers=officers,
        started_at=start,
        ended_at=start + datetime.timedelta(hours=1),
        location="矿调度室",
        showings=showings(start) if callable(showings) else showings,
        questioned=factories.QUESTIONED,
    )


def _showings(officers, to="王某"):
    def at(start):
        return [
            {"officer": o, "shown_at": start + datetime.timedelta(minutes=n), "shown_to": to}
            for n, o in enumerate(officers, start=1)
        ]

    return at


def _certificate(officer) -> str:
    return officer.certificates.get().number


# --- GS-MID-1: the showing is a record, and the document is printed from it ----------------------


def test_the_showing_is_read_from_the_record_into_the_printed_record(case, officers, real_pdf):
    act = _inquiry(case, officers, showings=_showings(officers, to="王某"))
    rows = showing_rules.showings_of(act)
    assert [(r.officer, r.certificate_number, r.shown_to) for r in rows] == [
        (o, _certificate(o), "王某") for o in officers
    ]
    text = "".join(layout_pages(blob_read(act.document.pdf_path)))
    flat = "".join(text.split())
    for row in rows:
        assert (
            f"{row.officer}（执法证号{row.certificate_number}）于{_when(row.shown_at)}向王某"
            in flat
        )
    assert not any(sentence in flat for sentence in HARD_CODED)

    # the record changes (another person shown to, another time) → the document changes
    moved = rows[0].shown_at + datetime.timedelta(minutes=7)
    CertificateShowing.objects.filter(pk=rows[0].pk).update(shown_to="张某", shown_at=moved)
    again = content.act_document(case, act, officers=officers)
    pdf = rendering.render_pdf(paperwork.TEMPLATES["inquiry_record"], _context(case, again))
    flat = "".join("".join(layout_pages(pdf)).split())
    assert f"{officers[0]}（执法证号{_certificate(officers[0])}）于{_when(moved)}向张某" in flat
    assert f"于{_when(rows[0].shown_at)}向王某" not in flat


def _context(case, built):
    return {
        "agency": case.agency,
        "title": "询问笔录",
        "number": "（测试）",
        "content": built,
        "issued_on": timezone.localdate(),
    }


def test_an_act_without_a_recorded_showing_is_refused(case, officers):
    documents, acts = Document.objects.count(), CaseAct.objects.count()
    with pytest.raises(ValidationError) as refused:
        _inquiry(case, officers, showings=None)
    assert "未登记执法人员出示执法证件" in refused.value.message_dict["showings"][0]
    with pytest.raises(ValidationError) as refused:
        _inquiry(case, officers, showings=_showings(officers[:1]))
    assert f"未登记出示执法证件：{officers[1]}" in "".join(refused.value.message_dict["showings"])
    stranger = factories.officer(agency=case.agency)
    with pytest.raises(ValidationError) as refused:
        _inquiry(case, officers, showings=_showings([*officers, stranger]))
    assert "本次到场的执法人员" in "".join(refused.value.message_dict["showings"])
    assert (Document.objects.count(), CaseAct.objects.count()) == (documents, acts)
    assert not CertificateShowing.objects.filter(act="inquiry").exists()


def test_a_showing_needs_a_certificate_valid_that_day_and_the_act_s_day(case, officers):
    certificate = officers[1].certificates.get()
    certificate.expires_on = timezone.localdate() - datetime.timedelta(days=400)
    certificate.save(update_fields=["expires_on"])
    errors: dict[str, list[str]] = {}
    start = timezone.now() - datetime.timedelta(hours=1)
    showing_rules.showings_check(
        [
            {
                "officer": officers[0],
                "shown_at": start - datetime.timedelta(days=1),
                "shown_to": "x",
            },
            {"officer": officers[1], "shown_at": start, "shown_to": ""},
        ],
        officers=officers,
        start=start,
        errors=errors,
    )
    problems = "".join(errors["showings"])
    assert "执法活动当日" in problems
    assert f"请填写{officers[1]}向谁出示" in problems
    assert f"{officers[1]}在出示当日没有有效的执法证" in problems


def test_the_onsite_record_prints_the_showings_recorded_at_the_opening(team, officers, real_pdf):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    visit = factories.inspection(plan=plan)
    rows = showing_rules.showings_of(visit)
    assert [(r.officer, r.shown_to, r.shown_at) for r in rows] == [
        (o, "安全副矿长 王某", visit.started_at) for o in officers
    ]
    from sanxiang.inspections import services as inspections

    visit = inspections.inspection_complete(
        actor=officers[0], inspection=visit, summary="检查了通风、培训等事项（测试）。"
    )
    pdf = blob_read(visit.record_document.pdf_path)
    pages = layout_pages(pdf)
    flat = "".join("".join(pages).split())
    for row in rows:
        assert f"{row.officer}（执法证号{row.certificate_number}）于{_when(row.shown_at)}" in flat
    assert not any(sentence in flat for sentence in HARD_CODED)
    assert_record_pages(pages, "被检查单位负责人签名：", "检查人员签名：")
    for field in ("被检查单位", "检查时间", "检查地点", "检查人员", "出示证件", "检查事项"):
        assert field in flat
    _signed_without_seal(pdf)
    assert screenshot(pdf, "onsite_record").stat().st_size > 1000

    CertificateShowing.objects.filter(pk=rows[1].pk).update(shown_to="矿长 李某")
    built = _record_document_content(visit, [], [], officers)
    assert "矿长 李某" in built["table"][4]["value"]


def test_an_inspection_with_no_recorded_showing_gets_no_record(team, officers):
    from sanxiang.inspections import services as inspections

    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    visit = factories.inspection(plan=plan)
    CertificateShowing.objects.filter(
        pk__in=[r.pk for r in showing_rules.showings_of(visit)]
    ).delete()  # as before ADR 0210
    with pytest.raises(ValidationError) as refused:
        inspections.inspection_complete(actor=officers[0], inspection=visit, summary="检查。")
    assert "没有出示执法证件的记录" in refused.value.message_dict["showings"][0]


def _signed_without_seal(pdf: bytes) -> None:
    """Records carry no seal; the officer's invisible signature is there when signing is on."""
    if settings.SANXIANG_DOCUMENT_SIGNING:
        assert b"/ByteRange" in pdf


# --- golden: the national formats ----------------------------------------------------------------


def test_inquiry_record_golden(case, officers, real_pdf):
    qa = "".join(
        f"问：第{n}个问题，你矿井下第{n}号工作面的安全培训是怎样安排的？"
        f"答：第{n}个回答，该工作面的培训由安全科统一安排，今年尚未开展。"
        for n in range(1, 31)
    )
    act = _inquiry(case, officers, showings=_showings(officers), content_text=qa)
    pdf = blob_read(act.document.pdf_path)
    pages = layout_pages(pdf)
    assert len(pages) >= 2, "thirty questions fill more than one page"
    assert_record_pages(pages, "被询问人签名：", "询问人签名：")
    flat = "".join("".join(pages).split())
    for label in ("案由", "询问时间", "询问地点", "询问人", "被询问人"):
        assert label in flat
    for label, value in (
        ("姓名", "王某"),
        ("性别", "男"),
        ("年龄", "45"),
        ("身份证件号码", "110101198001010011"),
        ("工作单位及职务", "某煤矿安全副矿长"),
    ):
        assert f"{label}{value}" in flat, label
    assert "你有权申请执法人员回避。你是否申请回避？" in flat
    assert f"我们是{case.agency.name}的执法人员{officers[0]}、{officers[1]}" in flat
    assert "答：不申请回避。" in flat
    for n in (1, 15, 30):
        assert f"问：第{n}个问题" in flat and f"答：第{n}个回答" in flat
    assert flat.count("问：第") == 30
    for line in ("被询问人（签名）", "询问人（签名）", "记录人（签名）"):
        assert line in flat
    assert "以上笔录已经本人阅读" in flat
    _signed_without_seal(pdf)
    assert screenshot(pdf, "inquiry_record").stat().st_size > 1000


def test_an_inquiry_names_the_person_questioned_and_his_recusal_answer(case, officers):
    with pytest.raises(ValidationError) as refused:
        services.case_investigation_record(
            actor=officers[0],
            case=case,
            kind="inquiry",
            content_text="问：x答：y",
            officers=officers,
            started_at=timezone.now() - datetime.timedelta(hours=1),
            ended_at=timezone.now(),
            identity_shown=True,
            questioned={"name": " "},
        )
    assert set(refused.value.message_dict) == {"questioned_name", "questioned_recusal"}


def test_survey_record_golden(case, officers, real_pdf):
    start = timezone.now() - datetime.timedelta(hours=2)
    act = services.case_investigation_record(
        actor=officers[0],
        case=case,
        kind="survey",
        content_text="勘验了井下3101工作面回风巷。\n回风巷瓦斯传感器安装位置距工作面超过10米。",
        officers=officers,
        started_at=start,
        ended_at=start + datetime.timedelta(hours=1),
        location="井下3101工作面",
        identity_shown=True,
        shown_to="安全副矿长 王某",
    )
    pdf = blob_read(act.document.pdf_path)
    pages = layout_pages(pdf)
    assert_record_pages(pages, "当事人（见证人）签名：", "勘验人签名：")
    flat = "".join("".join(pages).split())
    for label in ("勘验时间", "勘验地点", "井下3101工作面", "勘验人", "在场人员"):
        assert label in flat
    assert "安全副矿长王某" in flat
    assert (
        f"{officers[1]}（执法证号{_certificate(officers[1])}）于{_when(start)}向安全副矿长王某"
        in flat
    )
    assert "回风巷瓦斯传感器安装位置距工作面超过10米。" in flat
    for line in ("当事人或其代理人（签名）", "见证人（签名）", "勘验人（签名）"):
        assert line in flat
    _signed_without_seal(pdf)
    assert screenshot(pdf, "survey_record").stat().st_size > 1000


def test_hearing_record_golden(case, team):
    host = factories.staff(agency=case.agency, roles=[Role.LEGAL_REVIEWER], full_name="孙主持")
    built = content.hearing_record(
        case, timezone.localdate(), host, "调查人员陈述了违法事实。\n当事人进行了申辩。"
    )
    pdf = rendering.render_pdf(
        paperwork.TEMPLATES["hearing_record"], {**_context(case, built), "title": "听证笔录"}
    )
    pages = layout_pages(pdf)
    assert_record_pages(pages, "当事人签名：", "听证主持人签名：")
    flat = "".join("".join(pages).split())
    for label in ("案由", "听证日期", "听证主持人孙主持", "案件调查人员", "听证告知"):
        assert label in flat, label
    assert "有权申请回避" in flat
    assert "当事人进行了申辩。" in flat
    for line in ("当事人（签名）", "听证主持人（签名）", "记录人（签名）"):
        assert line in flat
    assert screenshot(pdf, "hearing_record").stat().st_size > 1000


def test_the_investigation_form_records_the_showing_and_the_person_questioned(case, officers):
    from django.test import Client

    from sanxiang.testing.auth import sign_in

    client = Client()
    sign_in(client, officers[0])
    start = timezone.localtime(timezone.now() - datetime.timedelta(hours=2))
    form = {
        "kind": "inquiry",
        "content_text": "问：是否开展了培训？答：没有。",
        "officers": [o.pk for o in officers],
        "started_at": f"{start:%Y-%m-%dT%H:%M}",
        "ended_at": f"{start + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}",
        "location": "矿调度室",
        "questioned_name": "王某",
        "questioned_recusal": "不申请回避。",
    }
    url = f"/cases/{case.pk}/do/investigate/"
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "未登记执法人员出示执法证件" in refused.content.decode()
    assert not CaseAct.objects.filter(case=case).exists()
    assert client.post(url, {**form, "identity_shown": "on"}).status_code == 302
    act = CaseAct.objects.get(case=case)
    assert act.questioned["name"] == "王某"
    assert [(s.officer, s.shown_to) for s in showing_rules.showings_of(act)] == [
        (o, "王某") for o in officers
    ]
