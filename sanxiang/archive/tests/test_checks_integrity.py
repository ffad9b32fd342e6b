"""四性检测, integrity: missing stage documents, voided documents, gaps in 件号 and 页号, metadata."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sanxiang.archive.checks import run_checks
from sanxiang.archive.spec import Stage
from sanxiang.documents.services import document_void
from sanxiang.testing import factories

from .checks_world import build_unit, document_item, open_file, unit_spec

pytestmark = pytest.mark.django_db


def failed(report, section: str) -> list:
    return [f for f in getattr(report, section) if not f.ok]


def test_a_missing_stage_document_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    items = [i for i in unit["items"] if i.stage != Stage.DECISION]
    report = run_checks(unit_spec(items), unit["volume"], open_file)

    assert not report.passed
    [finding] = failed(report, "integrity")
    assert finding.code == "requirement_missing"
    assert finding.message == "缺少「决定」阶段应有的文书《行政处罚决定书》"
    assert finding.item == "案卷"


def test_a_document_voided_after_assembly_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    notice = unit["documents"]["notice"]
    head = factories.head(agency=province["a"])
    notice = document_void(actor=head, document=notice, reason="送达地址有误，重新制作")
    items = [document_item(3, Stage.NOTICE, notice) if i.seq == 3 else i for i in unit["items"]]
    report = run_checks(unit_spec(items), unit["volume"], open_file)

    assert not report.passed
    findings = failed(report, "integrity")
    voided = next(f for f in findings if f.code == "voided")
    assert voided.item == f"第3件 行政处罚告知书（{notice.number.text}）"
    assert voided.message == "该文书已作废，不能作为有效文件归档"
    requirement = next(f for f in findings if f.code == "requirement_missing")
    assert "「告知」阶段应有的《行政处罚告知书》只有已作废" in requirement.message
    assert report.section_passed("authenticity")  # the voided PDF itself is still authentic


def test_a_gap_in_item_numbers_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    items = [replace(i, seq=i.seq + 1) if i.seq >= 3 else i for i in unit["items"]]
    report = run_checks(unit_spec(items), unit["volume"], open_file)

    assert not report.passed
    [finding] = failed(report, "integrity")
    assert finding.code == "seq_gap"
    assert finding.message == "件号不连续：缺少第3件（共 4 件，件号应为 1 至 4）"


def test_a_gap_in_page_numbers_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    pages = {1: (1, 2), 3: (3, 4), 4: (6, 7)}
    report = run_checks(unit["spec"], unit["volume"], open_file, pages=pages)

    [finding] = failed(report, "integrity")
    assert finding.code == "page_gap"
    assert finding.item.startswith("第4件 行政处罚决定书")
    assert finding.message == "页号不连续：应从第 5 页起，实为第 6 页"


def test_missing_metadata_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    items = [replace(i, responsible="") if i.seq == 1 else i for i in unit["items"]]
    report = run_checks(unit_spec(items, retention_label=""), unit["volume"], open_file)
    messages = {(f.item.split(" ")[0], f.message) for f in failed(report, "integrity")}
    assert messages == {
        ("案卷", "案卷著录项目不全：缺少保管期限"),
        ("第1件", "著录项目不全：缺少责任者"),
    }
