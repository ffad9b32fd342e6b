"""延长查封（扣押）期限决定书 in its own format of the item-list family (ADR 0232, 行政强制法第二十五条):
issued by the head's extension of an ordinary sealing, read back with ``pdftotext -layout``: the
decision extended, the original term and the new end (which ends on its day even on a holiday),
the reason, the basis, the same list of items, remedies, and the seal over the agency name and
the date line only.
"""

from __future__ import annotations

import datetime

import pytest

from sanxiang.cases.branch_workflow import BranchKind
from sanxiang.cases.branches import branch_start, branch_step
from sanxiang.cases.tests.test_notice_formats import check_head, layout, row, squeezed
from sanxiang.core.blobstore import blob_read
from sanxiang.documents.tests.test_signing import assert_seal_over_name_and_date
from sanxiang.inspections import paperwork
from sanxiang.testing import factories

D = datetime.date


@pytest.fixture
def case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


@pytest.mark.django_db
def test_the_extension_decision_names_the_decision_term_reason_basis_and_items(
    case, team, real_pdf
):
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
            {
                "name": "刮板输送机",
                "specification": "SGZ764",
                "quantity": "1部",
                "place": "3101工作面",
            },
        ],
    )
    first = branch.document
    branch = branch_step(
        actor=team["head"],
        branch=branch,
        action="extend",
        note="检测鉴定尚未完成",
        on=D(2026, 9, 30),
    )
    extension = branch.document
    assert extension.type_code == "sealing_extension"
    assert paperwork.TEMPLATES["sealing_extension"].endswith("sealing_extension.html")
    text = layout(extension)
    check_head(text, extension, case)
    flat = squeezed(text)
    assert "延长查封（扣押）期限决定书" in flat
    assert first.number.text in flat and "2026年9月4日" in flat
    assert "期限至2026年10月4日止" in flat  # the first 30 days end on their day (a holiday)
    assert "因检测鉴定尚未完成，情况复杂，经本机关负责人批准" in flat
    assert "决定将查封（扣押）期限延长至2026年11月3日" in flat
    # the term table (labels may wrap beside their values in the layout)
    assert "自2026年9月4日起至2026年10月4日止" in flat and "延长依据" in flat
    assert flat.count("《中华人民共和国行政强制法》第二十五条") >= 2  # the text and the table
    assert "查封（扣押）场所、设施、财物清单" in flat
    assert row(text, "1", "采煤机", "1台", "3101工作面") and "MG300/700-WD" in flat
    assert row(text, "2", "刮板输送机", "1部", "3101工作面")
    assert "行政复议" in flat and "当事人（签名或盖章）" in flat
    assert_seal_over_name_and_date(blob_read(extension.pdf_path), case.agency.name)
