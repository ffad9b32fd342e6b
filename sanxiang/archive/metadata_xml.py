"""Unit metadata as XML with the Chinese element names of GB/T 18894-2016 and DA/T 46-2009.

A receiving archive reads a transfer package's description without our software: the
elements carry the names its record keepers know (题名, 责任者, 日期, 档号, 保管期限, 密级,
文号, 件号, 页数 …; the list and its sources are in ADR 0120). Digests appear as 摘要值 with
the algorithm named (SHA-256, SM3), and each original names the ledger entry that recorded
its digest, whose inclusion proof lies beside it in the package.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .spec import ItemKind, Stage, StoredFile, UnitItem, UnitSpec

STANDARDS = "GB/T 18894-2016；DA/T 46-2009；DA/T 22-2015；DA/T 13"
KIND_LABELS = {
    ItemKind.DOCUMENT: "执法文书",
    ItemKind.RECORDING: "音像记录",
    ItemKind.RECORD: "业务记录",
    ItemKind.CLASSIFIED: "涉密件登记",
}


@dataclass(frozen=True)
class PackedFile:
    """An original as it lies in the package, with the ledger entry that proves it."""

    file: StoredFile
    path: str  # relative to the unit's directory, e.g. "files/001-立案审批表.pdf"
    proof_path: str  # relative to the unit's directory, e.g. "proofs/001-立案审批表.pdf.json"
    ledger_seq: int
    pages: int | None  # PDFs: page count; None otherwise or when it cannot be read
    item: UnitItem | None  # None for the volume PDF


def _text(parent: ET.Element, tag: str, value: object, **attrs: str) -> ET.Element | None:
    if value is None or value == "":
        return None
    element = ET.SubElement(parent, tag, attrs)
    element.text = str(value)
    return element


def _electronic(parent: ET.Element, packed: PackedFile) -> None:
    """电子属性: file name, format, size and digests of one original."""
    block = ET.SubElement(parent, "电子属性")
    _text(block, "计算机文件名", packed.path)
    _text(block, "格式", packed.file.media_type)
    _text(block, "大小", packed.file.size, 单位="字节")
    _text(block, "摘要值", packed.file.sha256, 算法="SHA-256")
    _text(block, "摘要值", packed.file.sm3, 算法="SM3")
    ledger = ET.SubElement(block, "账本记录")
    _text(ledger, "对象", f"{packed.file.ledger.object_type}:{packed.file.ledger.object_id}")
    _text(ledger, "序号", packed.ledger_seq)
    _text(ledger, "包含证明", packed.proof_path)


def _item(parent: ET.Element, packed: PackedFile) -> None:
    item = packed.item
    assert item is not None
    element = ET.SubElement(parent, "卷内文件")
    _text(element, "件号", item.seq)
    _text(element, "题名", item.title)
    _text(element, "文号", item.doc_number)
    _text(element, "责任者", item.responsible)
    _text(element, "日期", item.date.isoformat())
    _text(element, "文件类型", KIND_LABELS.get(item.kind, item.kind))
    _text(element, "办案阶段", Stage.LABELS.get(item.stage, item.stage))
    _text(element, "页数", packed.pages)
    if item.duration_seconds is not None:
        _text(element, "时长", f"{item.duration_seconds:.1f}", 单位="秒")
    if item.voided:
        _text(element, "作废标识", "已作废")
    _text(element, "备注", item.remarks)
    _electronic(element, packed)


def _classified(parent: ET.Element, item: UnitItem) -> None:
    """A state secret listed by reference (ADR 0128): no file in the package, its digest here."""
    element = ET.SubElement(parent, "卷内文件")
    _text(element, "件号", item.seq)
    _text(element, "题名", item.title)
    _text(element, "涉密件登记编号", item.doc_number)
    _text(element, "责任者", item.responsible)
    _text(element, "日期", item.date.isoformat())
    _text(element, "文件类型", KIND_LABELS[ItemKind.CLASSIFIED])
    _text(element, "办案阶段", Stage.LABELS.get(item.stage, item.stage))
    _text(element, "原件摘要值", item.reference_digest)
    _text(element, "备注", item.remarks)


def unit_metadata_xml(spec: UnitSpec, files: list[PackedFile]) -> bytes:
    """The 案卷 element of ``spec`` with one 卷内文件 per item, in volume order."""
    root = ET.Element("案卷", {"元数据标准": STANDARDS})
    _text(root, "聚合层次", "案卷")
    source = ET.SubElement(root, "来源")
    _text(source, "立档单位名称", spec.agency_name)
    _text(source, "全宗号", spec.fonds_code)
    _text(root, "档号", spec.archival_code or f"（未编档号，案卷标识 {spec.unit_id}）")
    _text(root, "全宗号", spec.fonds_code)
    _text(root, "年度", spec.year)
    _text(root, "保管期限", spec.retention_label)
    _text(root, "密级", spec.confidentiality_label)
    _text(root, "案卷类别", spec.kind_label)
    _text(root, "题名", spec.title)
    _text(root, "责任者", spec.agency_name)
    _text(root, "当事人", spec.subject_label)
    dates = ET.SubElement(root, "起止日期")
    _text(dates, "起始日期", spec.date_from.isoformat())
    _text(dates, "终止日期", spec.date_to.isoformat())
    _text(root, "件数", len(spec.items))
    volume = next((f for f in files if f.item is None), None)
    if volume is not None:
        _text(root, "页数", volume.pages)
    _text(root, "立卷人", spec.filed_by)
    _text(root, "检查人", spec.checked_by)
    _text(root, "归档日期", spec.filed_on.isoformat() if spec.filed_on else "")
    _text(root, "附注", spec.notes)
    if volume is not None:
        block = ET.SubElement(root, "案卷文件")
        _text(block, "题名", f"{spec.title}（案卷）")
        _electronic(block, volume)
    items = ET.SubElement(root, "卷内文件目录")
    for packed in files:
        if packed.item is not None:
            _item(items, packed)
    for item in spec.items:
        if item.kind == ItemKind.CLASSIFIED and item.file is None:
            _classified(items, item)
    if spec.metadata:
        extra = ET.SubElement(root, "其他元数据")
        for name, value in sorted(spec.metadata.items()):
            _text(extra, "元数据", value, 名称=name)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
