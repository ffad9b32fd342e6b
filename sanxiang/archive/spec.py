"""The description of an archive unit that rendering, checking and packaging work from.

The archive's models (who filed what, when, under which number) are turned into a
:class:`UnitSpec` once; the volume renderer, the 四性检测 (DA/T 70) check and the BagIt
exporter read only this description and the stored originals. That keeps each of them
testable on its own, and guarantees that the volume, the check and the package describe the
same items in the same order.

Originals are never copied into the unit: an item points at the stored original (a blob in
the content-addressed store) and at the ledger object whose events recorded its digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO


class Stage:
    """Procedural stages in the order a penalty case file is arranged (一案一卷)."""

    FILING = "filing"  # 立案/受理
    INVESTIGATION = "investigation"  # 调查取证
    REVIEW = "review"  # 审查（含法制审核、集体讨论）
    NOTICE = "notice"  # 告知
    HEARING = "hearing"  # 听证
    DECISION = "decision"  # 决定
    SERVICE = "service"  # 送达
    EXECUTION = "execution"  # 执行
    CLOSURE = "closure"  # 结案

    ORDER = (FILING, INVESTIGATION, REVIEW, NOTICE, HEARING, DECISION, SERVICE, EXECUTION, CLOSURE)
    LABELS = {
        FILING: "立案/受理",
        INVESTIGATION: "调查取证",
        REVIEW: "审查",
        NOTICE: "告知",
        HEARING: "听证",
        DECISION: "决定",
        SERVICE: "送达",
        EXECUTION: "执行",
        CLOSURE: "结案",
    }


class ItemKind:
    DOCUMENT = "document"  # an issued enforcement document (its PDF is the original)
    RECORDING = "recording"  # an audio/video original, referenced, never copied
    RECORD = "record"  # a system record (review opinion, publication…) rendered as a PDF sheet
    # A state-secret item registered by reference (ADR 0128): the original is kept by the
    # custodian unit named in the item's remarks, never here, so the item has no file.
    CLASSIFIED = "classified"


@dataclass(frozen=True)
class LedgerRef:
    """The ledger object whose events recorded an original's digest."""

    object_type: str  # e.g. "documents.document", "evidence.recording"
    object_id: str


@dataclass(frozen=True)
class StoredFile:
    """An original in the content-addressed blob store (sanxiang.core.blobstore)."""

    path: str  # blob path relative to the store, e.g. "blobs/ab/cd/abcd…"
    size: int
    sha256: str
    sm3: str
    media_type: str  # "application/pdf", "video/mp4", …
    ledger: LedgerRef
    name: str = ""  # a readable file name for packages ("001-立案审批表.pdf")


@dataclass(frozen=True)
class UnitItem:
    """One item (件) of the unit, in volume order."""

    seq: int  # 件号 / 卷内目录 序号, 1…n without gaps
    stage: str  # one of Stage.ORDER
    kind: str  # one of ItemKind
    title: str  # 题名
    doc_number: str  # 文号 ("" when the item has none)
    responsible: str  # 责任者 (the issuing agency, or the person for a record)
    date: date
    file: StoredFile | None  # the original; None when it is missing (the check says so) or
    # for a CLASSIFIED item, which is listed by reference (register number, digest) only
    duration_seconds: float | None = None  # recordings: for the 备考表
    voided: bool = False  # a document voided after assembly (the check refuses it)
    remarks: str = ""  # 备注
    type_code: str = ""  # the catalog document type of a document item (matches Requirement)
    # CLASSIFIED: the digest of the original held elsewhere, "SM3 …" / "SHA-256 …" (its register
    # number is the item's doc_number, its custodian unit and location are in the remarks)
    reference_digest: str = ""


@dataclass(frozen=True)
class Requirement:
    """A document the procedure requires in a stage (integrity: it must be present)."""

    stage: str
    title: str  # what a person calls it: "行政处罚决定书"
    type_code: str = ""  # the catalog document type, when there is one


@dataclass(frozen=True)
class UnitSpec:
    """Everything about one unit (案卷) that the volume, the check and the package need."""

    unit_id: int
    kind_label: str  # "行政处罚案卷" / "现场检查案卷" / "安全监管建议书案卷"
    title: str  # 案卷题名
    archival_code: str  # 档号; "" until the head approves filing
    fonds_code: str  # 全宗号
    agency_name: str  # 立卷单位
    year: int  # 年度
    retention_label: str  # 保管期限: "永久" / "30年" / "10年"
    confidentiality_label: str  # 密级/敏感级别 in words
    subject_label: str  # the party or mine, in words
    date_from: date
    date_to: date
    items: tuple[UnitItem, ...]
    requirements: tuple[Requirement, ...] = ()
    filed_by: str = ""  # 立卷人
    checked_by: str = ""  # 检查人
    filed_on: date | None = None
    notes: str = ""  # 备考表 说明
    metadata: dict[str, str] = field(default_factory=dict)  # further GB/T 18894 elements


OpenFile = Callable[[StoredFile], BinaryIO]
"""Opens a stored original for reading (binary, streaming); the caller closes it."""
