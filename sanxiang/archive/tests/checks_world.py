"""A small, real archive unit for the 四性检测 tests: issued documents, a recording, a volume.

Documents are issued through ``document_issue`` (real numbers, blobs and ledger events); their
PDFs are real WeasyPrint PDFs, typeset once per test session and reused (typesetting is what
costs). The recording is a real one-second MP4 made by ffmpeg. The volume PDF is stored and
ledgered the way the archive records it (an event carrying its SHA-256 and SM3).
"""

from __future__ import annotations

import datetime
import functools
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from sanxiang.archive.spec import (
    ItemKind,
    LedgerRef,
    Requirement,
    Stage,
    StoredFile,
    UnitItem,
    UnitSpec,
)
from sanxiang.core.blobstore import blob_open, blob_put
from sanxiang.ledger.services import ledger_append
from sanxiang.testing import factories

EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR" + "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# (two halves, so that the repository itself carries no EICAR file)

DOCUMENTS = (
    (Stage.FILING, "立案审批表", "立"),
    (Stage.NOTICE, "行政处罚告知书", "告"),
    (Stage.DECISION, "行政处罚决定书", "罚"),
)
REQUIREMENTS = tuple(Requirement(stage, title) for stage, title, _code in DOCUMENTS)


@functools.cache
def real_pdf(title: str) -> bytes:
    from sanxiang.documents.rendering import render_pdf

    return render_pdf(
        "documents/pdf/standard.html",
        {
            "agency": {"name": "测试省局甲分局"},
            "title": title,
            "number": "",
            "content": {"正文": f"{title}（测试）"},
            "issued_on": datetime.date(2026, 3, 1),
        },
    )


@functools.cache
def real_mp4(tag: str = "") -> bytes:
    """A one-second MP4 (H.264 video, AAC audio); ``tag`` makes its bytes unique."""
    with tempfile.TemporaryDirectory() as out:
        path = Path(out) / "r.mp4"
        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=64x48:d=1:r=5",
                "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "1", "-shortest",
                "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
                "-metadata", f"title=sanxiang {tag}", str(path),
            ],
            check=True,
        )  # fmt: skip
        return path.read_bytes()


def open_file(stored: StoredFile):
    return blob_open(stored.path)


def issue(officer, title: str, code: str, *, pdf: bytes | None = None, monkeypatch):
    """Issue a document whose PDF is ``pdf`` (default: the real PDF of ``title``)."""
    from sanxiang.documents import services as documents

    monkeypatch.setattr(documents, "render_pdf", lambda *_a, **_k: pdf or real_pdf(title))
    if pdf is not None:  # a hand-made (possibly broken) PDF stands in: it is not signed
        from django.conf import settings

        monkeypatch.setattr(settings, "SANXIANG_DOCUMENT_SIGNING", False)
    return documents.document_issue(
        actor=officer,
        agency=officer.agency,
        type_code=code,
        short_code=code,
        title=title,
        content={},
    )


def document_item(seq: int, stage: str, document) -> UnitItem:
    return UnitItem(
        seq=seq,
        stage=stage,
        kind=ItemKind.DOCUMENT,
        title=document.title,
        doc_number=document.number.text,
        responsible=document.agency.name,
        date=document.issued_at.date(),
        file=StoredFile(
            path=document.pdf_path,
            size=document.pdf_size,
            sha256=document.pdf_sha256,
            sm3=document.pdf_sm3,
            media_type="application/pdf",
            ledger=LedgerRef("documents.document", str(document.pk)),
        ),
        voided=document.status == "voided",
    )


def recording_item(seq: int, recording) -> UnitItem:
    return UnitItem(
        seq=seq,
        stage=Stage.INVESTIGATION,
        kind=ItemKind.RECORDING,
        title="现场检查录像",
        doc_number="",
        responsible="测试执法人员",
        date=recording.uploaded_at.date(),
        file=StoredFile(
            path=recording.blob_path,
            size=recording.size,
            sha256=recording.sha256,
            sm3=recording.sm3,
            media_type=recording.content_type,
            ledger=LedgerRef("evidence.recording", str(recording.pk)),
        ),
        duration_seconds=1.0,
    )


def ledgered_volume(unit_id: int, data: bytes) -> StoredFile:
    """Store ``data`` as the unit's volume PDF and record its digests in the ledger."""
    blob = blob_put(data)
    ref = LedgerRef("archive.archiveunit", str(unit_id))
    ledger_append(
        actor=None,
        action="archive.volume",
        object_type=ref.object_type,
        object_id=ref.object_id,
        details={"volume_sha256": blob.sha256, "volume_sm3": blob.sm3},
    )
    return StoredFile(
        path=blob.path,
        size=blob.size,
        sha256=blob.sha256,
        sm3=blob.sm3,
        media_type="application/pdf",
        ledger=ref,
        name="案卷.pdf",
    )


def unit_spec(items: list[UnitItem], *, unit_id: int = 1, **changes) -> UnitSpec:
    spec = UnitSpec(
        unit_id=unit_id,
        kind_label="行政处罚案卷",
        title="关于某煤矿安全生产违法行为的行政处罚案卷",
        archival_code="",
        fonds_code="J001",
        agency_name="测试省局甲分局",
        year=2026,
        retention_label="30年",
        confidentiality_label="一般",
        subject_label="测试煤矿",
        date_from=datetime.date(2026, 1, 5),
        date_to=datetime.date(2026, 3, 1),
        items=tuple(items),
        requirements=REQUIREMENTS,
    )
    return replace(spec, **changes) if changes else spec


def build_unit(province, monkeypatch, *, mp4_tag: str = "") -> dict:
    """Three issued documents and a recording, in volume order, with a ledgered volume PDF."""
    officer = factories.officer(agency=province["a"])
    filing, notice, decision = (
        issue(officer, title, code, monkeypatch=monkeypatch) for _stage, title, code in DOCUMENTS
    )
    recording = factories.recording(actor=officer, data=real_mp4(mp4_tag), filename="DSJ_0001.mp4")
    items = [
        document_item(1, Stage.FILING, filing),
        recording_item(2, recording),
        document_item(3, Stage.NOTICE, notice),
        document_item(4, Stage.DECISION, decision),
    ]
    volume = ledgered_volume(1, real_pdf("案卷"))
    pages = {1: (1, 1), 3: (2, 2), 4: (3, 3)}
    return {
        "officer": officer,
        "documents": {"filing": filing, "notice": notice, "decision": decision},
        "recording": recording,
        "items": items,
        "spec": unit_spec(items),
        "volume": volume,
        "pages": pages,
    }
