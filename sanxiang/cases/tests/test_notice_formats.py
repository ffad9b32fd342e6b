"""Golden tests of the notices and decisions in their national formats (ADR 0215, issue 18 item 1).

Each document is issued through its service from a record, read back with ``pdftotext -layout``
and checked for its fields and blocks; the seal must sit over the agency name and the date line
and nothing else; the first page of each is saved to ``test-results/document-types/`` as PNG
for a person to look at. A record that lacks what the format needs is refused field by field.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases import execution, services
from sanxiang.cases.branch_workflow import BranchKind
from sanxiang.cases.branches import branch_start, branch_step
from sanxiang.cases.item_lists import items_parse
from sanxiang.cases.models import CaseBranch
from sanxiang.core.blobstore import blob_read
from sanxiang.documents.tests.test_signing import assert_seal_over_name_and_date
from sanxiang.testing import factories

D = datetime.date
SHOTS = Path(__file__).resolve().parents[3] / "test-results" / "document-types"
ITEMS = [
    {"name": "皮带机保护装置", "specification": "KHP-127", "quantity": "1套", "place": "矿部库房"},
    {"name": "瓦斯检查记录", "specification": "", "quantity": "3本", "place": "调度室"},
]


def layout(document) -> str:
    """The PDF as ``pdftotext -layout`` reads it, and its first page saved as PNG."""
    pdf = blob_read(document.pdf_path)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{document.type_code}.txt").write_text(text, encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-",
            str(SHOTS / document.type_code),
        ],
        input=pdf,
        check=True,
    )
    return text


def squeezed(text: str) -> str:
    """The text without the spaces and line breaks of the layout, to find phrases across lines."""
    return re.sub(r"\s+", "", text)


def row(text: str, *cells: str) -> bool:
    """Some line of the layout carries ``cells`` in this order (a table row)."""
    return any(
        re.search(".*".join(re.escape(c) for c in cells), line) for line in text.splitlines()
    )


def check_head(text: str, document, case) -> None:
    flat = squeezed(text)
    assert case.agency.name in flat and squeezed(document.title) in flat
    assert document.number.text in flat
    assert "测试省安泰煤业有限公司泰安煤矿" in flat and "统一社会信用代码" in flat


@pytest.fixture
def case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


@pytest.mark.django_db
def test_preservation_notice_and_handling_decision(case, team, real_pdf):
    branch = branch_start(
        actor=team["officer"],
        case=case,
        kind=BranchKind.PRESERVATION,
        subject="有关设备可能被转移",
        started_on=D(2026, 9, 28),
        items=ITEMS,
    )
    notice = branch.document
    text = layout(notice)
    check_head(text, notice, case)
    flat = squeezed(text)
    assert "先行登记保存证据清单" in flat and "保存地点" in flat
    assert row(text, "1", "皮带机保护装置", "KHP-127", "1套", "矿部库房")
    assert row(text, "2", "瓦斯检查记录", "—", "3本", "调度室")
    assert "第五十六条" in flat and "2026年10月13日前" in flat  # the 7th working day
    assert "当事人（签名或盖章）" in flat and "执法人员（签名）" in flat
    assert_seal_over_name_and_date(blob_read(notice.pdf_path), case.agency.name)

    with pytest.raises(ValidationError) as error:  # one handling per item, or one for all
        branch_step(
            actor=team["head"],
            branch=branch,
            action="handle",
            note="处理如下。",
            handling=["返还", "没收", "移送"],
        )
    assert "共2项" in error.value.message_dict["handling"][0]
    branch = branch_step(
        actor=team["head"],
        branch=branch,
        action="handle",
        note="经审查，作出如下处理。",
        on=D(2026, 10, 12),
        handling=["解除先行登记保存，予以返还", "作为证据复制后返还"],
    )
    decision = branch.document
    text = layout(decision)
    check_head(text, decision, case)
    flat = squeezed(text)
    assert notice.number.text in flat and "2026年9月28日" in flat
    assert "处理意见" in flat and "先行登记保存物品处理清单" in flat
    assert "解除先行登记保存，予以返还" in flat and "作为证据复制后返还" in flat
    assert "行政复议" in flat  # remedies
    assert_seal_over_name_and_date(blob_read(decision.pdf_path), case.agency.name)


@pytest.mark.django_db
def test_sealing_decision_with_items_term_and_basis_then_release(case, team, real_pdf):
    with pytest.raises(ValidationError) as error:
        branch_start(actor=team["head"], case=case, kind=BranchKind.SEALING, subject="采煤机")
    assert {"items", "basis"} <= set(error.value.message_dict)
    assert "物品清单" in error.value.message_dict["items"][0]
    assert not CaseBranch.objects.exists()
    branch = branch_start(
        actor=team["head"],
        case=case,
        kind=BranchKind.SEALING,
        subject="使用国家明令淘汰的采煤设备",
        started_on=D(2026, 9, 4),
        basis="《中华人民共和国安全生产法》第六十五条第一款第（四）项",
        items=[
            {
                "name": "采煤机",
                "specification": "MG300/700-WD",
                "quantity": "1台",
                "place": "3101工作面",
            },
        ],
    )
    decision = branch.document
    text = layout(decision)
    check_head(text, decision, case)
    flat = squeezed(text)
    assert row(text, "1", "采煤机", "1台", "3101工作面") and "MG300/700-WD" in flat
    assert "查封（扣押）场所、设施、财物清单" in flat
    assert "30日，自2026年9月4日起至2026年10月4日止" in flat  # ends on its day (a holiday)
    assert "《中华人民共和国安全生产法》第六十五条第一款第（四）项" in flat
    assert "行政强制法》第二十五条" in flat and "行政复议" in flat
    assert_seal_over_name_and_date(blob_read(decision.pdf_path), case.agency.name)

    branch = branch_step(
        actor=team["head"],
        branch=branch,
        action="release",
        note="隐患已整改消除。",
        on=D(2026, 9, 20),
    )
    release = branch.document
    text = layout(release)
    check_head(text, release, case)
    flat = squeezed(text)
    assert decision.number.text in flat and "2026年9月20日起解除查封（扣押）" in flat
    assert "第二十八条" in flat and "隐患已整改消除" in flat
    assert row(text, "1", "采煤机", "1台", "3101工作面") and "MG300/700-WD" in flat
    assert_seal_over_name_and_date(blob_read(release.pdf_path), case.agency.name)


@pytest.mark.django_db
def test_sampling_notice_lists_the_samples(case, team, officers, real_pdf):
    start = timezone.now() - datetime.timedelta(hours=2)
    end = start + datetime.timedelta(minutes=40)
    factories.recording(
        actor=team["officer"],
        title="抽样取证全程记录（测试）",
        activity="sampling",
        subject=case,
        stage="sampling",
        started_at=(start - datetime.timedelta(minutes=5)).isoformat(),
        ended_at=(end + datetime.timedelta(minutes=5)).isoformat(),
    )
    values = dict(
        actor=team["officer"],
        case=case,
        kind="sampling",
        officers=officers,
        started_at=start,
        ended_at=end,
        location="3101工作面",
        content_text="抽取的样品送检测机构检验。",
        identity_shown=True,
    )
    with pytest.raises(ValidationError) as error:
        services.case_investigation_record(**values, items="")
    assert (
        "样品" in error.value.message_dict["items"][0]
        or "物品" in error.value.message_dict["items"][0]
    )
    act = services.case_investigation_record(
        **values, items="阻燃输送带｜ST/S1000｜2米｜3101工作面运输巷"
    )
    notice = act.document
    assert notice.type_code == "sampling_notice"
    text = layout(notice)
    check_head(text, notice, case)
    flat = squeezed(text)
    assert "抽样取证物品清单" in flat and "样品名称" in flat and "抽样地点" in flat
    assert row(text, "1", "阻燃输送带", "ST/S1000", "2米", "3101工作面运输巷")
    assert "第五十六条" in flat and "抽样时间" in flat and "执法证号" in flat
    assert_seal_over_name_and_date(blob_read(notice.pdf_path), case.agency.name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "marked", "extra_box"),
    [("left", "■留置送达", "见证人（签名）"), ("direct", "■直接送达", None)],
)
def test_service_receipt_prints_the_method_of_the_service_record(
    case, team, officers, real_pdf, method, marked, extra_box
):
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    case = services.decision_issue(actor=team["head"], case=case)
    record = execution.service_record(
        actor=team["officer"],
        case=case,
        served_on=timezone.localdate(),
        method=method,
        recipient="张矿长",
        officers=officers,
        place="矿部办公室",
        **factories.shown_now(),
    )
    receipt = record.receipt
    text = layout(receipt)
    flat = squeezed(text)
    assert case.agency.name in flat and "送达回执" in flat and receipt.number.text in flat
    assert case.decision_document.number.text in flat and "行政处罚决定书" in flat
    assert marked in flat and flat.count("■") == 1  # the method of the record, and only it
    assert "第1页共1页" in flat  # one page
    assert "□邮寄送达" in flat and "□电子送达" in flat
    assert "收件人（签名或盖章）" in flat and "张矿长" in flat and "矿部办公室" in flat
    assert "送达人（签名）" in flat and "执法证号" in flat
    assert (extra_box in flat) if extra_box else "见证人" not in flat.split("备注")[0]
    assert_seal_over_name_and_date(blob_read(receipt.pdf_path), case.agency.name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "addressee", "noun"),
    [
        ("supervision_advice", "测试县人民政府应急管理局", "建议"),
        ("management_opinion", "测试省安泰煤业有限公司泰安煤矿", "意见"),
    ],
)
def test_letters_are_official_letters_to_their_addressee(
    team, officers, real_pdf, kind, addressee, noun
):
    from sanxiang.inspections import letters
    from sanxiang.inspections import services as inspections

    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    factories.finding(inspection=inspection)
    inspections.inspection_complete(actor=officers[0], inspection=inspection, summary="检查完毕。")
    letter = letters.letter_draft(
        actor=team["officer"],
        inspection=inspection,
        kind=kind,
        addressee=addressee,
        findings=list(inspection.findings.all()),
        recommendations="督促煤矿建立从业人员安全培训档案。",
    )
    document = letters.letter_approve(actor=team["head"], letter=letter).document
    text = layout(document)
    flat = squeezed(text)
    assert squeezed(document.title) in flat and document.number.text in flat
    assert re.search(rf"^\s*{re.escape(addressee)}：", text, re.M)  # flush left, with a colon
    assert "一、发现的问题" in flat and f"二、{noun}" in flat and "三、回复要求" in flat
    assert "WF-001" in flat and "督促煤矿建立从业人员安全培训档案" in flat
    assert_seal_over_name_and_date(blob_read(document.pdf_path), team["head"].agency.name)


def test_items_parse_gives_field_errors_in_chinese():
    assert items_parse("采煤机｜MG300｜1台｜工作面\n\n钻机 | — | 2台") == [
        {"name": "采煤机", "specification": "MG300", "quantity": "1台", "place": "工作面"},
        {"name": "钻机", "specification": "—", "quantity": "2台", "place": ""},
    ]
    for bad, words in (
        ("", "至少一项"),
        ([{"name": "采煤机"}], "第1项缺少数量"),
        ("｜MG300｜1台", "第1项缺少名称"),
        (["采煤机"], "格式不正确"),
        ([{"name": "甲" * 201, "quantity": "1"}], "过长"),
    ):
        with pytest.raises(ValidationError) as error:
            items_parse(bad)
        assert words in error.value.message_dict["items"][0], bad
