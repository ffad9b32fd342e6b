"""Transfer packages: a decided case's real documents and recording as a BagIt bag that bagit
validates and ``tools/sanxiang_verify.py bag`` accepts offline — and rejects, naming the
failure, when a payload byte, a proof, the checkpoint signature or a file is tampered with."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import bagit
import pytest
from django.utils import timezone

from sanxiang.archive.bag import ExportError, export_bag
from sanxiang.archive.spec import (
    ItemKind,
    LedgerRef,
    OpenFile,
    Stage,
    StoredFile,
    UnitItem,
    UnitSpec,
)
from sanxiang.core.blobstore import blob_local_path, blob_open
from sanxiang.documents.models import Document
from sanxiang.evidence.models import Recording
from sanxiang.ledger import keys
from sanxiang.testing import factories

TOOL = Path(__file__).resolve().parents[3] / "tools" / "sanxiang_verify.py"
open_blob: OpenFile = lambda stored: blob_open(stored.path)  # noqa: E731


def _document_file(document: Document) -> StoredFile:
    return StoredFile(
        path=document.pdf_path,
        size=document.pdf_size,
        sha256=document.pdf_sha256,
        sm3=document.pdf_sm3,
        media_type="application/pdf",
        ledger=LedgerRef("documents.document", str(document.pk)),
        name=f"{document.title}.pdf",
    )


def _recording_file(recording: Recording) -> StoredFile:
    return StoredFile(
        path=recording.blob_path,
        size=recording.size,
        sha256=recording.sha256,
        sm3=recording.sm3,
        media_type=recording.content_type,
        ledger=LedgerRef("evidence.recording", str(recording.pk)),
        name=recording.original_name,
    )


def case_unit(case) -> tuple[UnitSpec, StoredFile]:
    """A unit spec of a case's issued documents and recordings (what the archive models give)."""
    documents = list(
        Document.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).order_by("pk")
    )
    recordings = list(
        Recording.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).order_by("pk")
    )
    assert documents and recordings
    items = [
        UnitItem(
            seq=n,
            stage=Stage.DECISION,
            kind=ItemKind.DOCUMENT,
            title=d.title,
            doc_number=d.number.text if d.number else "",
            responsible=d.agency.name,
            date=timezone.localdate(d.issued_at),
            file=_document_file(d),
        )
        for n, d in enumerate(documents[1:], start=1)
    ]
    items += [
        UnitItem(
            seq=len(items) + 1,
            stage=Stage.NOTICE,
            kind=ItemKind.RECORDING,
            title=r.title,
            doc_number="",
            responsible=r.uploaded_by.full_name,
            date=timezone.localdate(r.uploaded_at),
            file=_recording_file(r),
            duration_seconds=3600.0,
        )
        for r in recordings
    ]
    spec = UnitSpec(
        unit_id=case.pk,
        kind_label="行政处罚案卷",
        title=case.cause,
        archival_code="X001-ZF·2026-Y-AJ-0001",
        fonds_code="X001",
        agency_name=case.agency.name,
        year=2026,
        retention_label="30年",
        confidentiality_label="一般",
        subject_label=case.mine.name,
        date_from=date(2026, 1, 5),
        date_to=date(2026, 3, 1),
        items=tuple(items),
        filed_by="赵保管",
    )
    return spec, _document_file(documents[0])  # the first document stands in for the volume


@pytest.fixture
def unit(province, monkeypatch):
    """A decided case; its documents are real PDFs only where a test reads pages (the first
    item), the others are the template rendered without typesetting (typesetting is slow)."""
    from sanxiang.documents import rendering

    typeset = {"立案审批表", "案件处理呈报书"}  # the volume stand-in and the first item
    monkeypatch.setattr(
        "sanxiang.documents.services.render_pdf",
        lambda template, context: (
            rendering.render_pdf if context["title"] in typeset else factories.html_instead_of_pdf
        )(template, context),
    )
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    officers = [factories.officer(agency=sub), factories.officer(agency=sub)]
    head = factories.head(agency=sub)
    case = factories.decided_case(officers=officers, head=head, mine=factories.mine(agency=sub))
    return case_unit(case)


@pytest.fixture
def bag(unit, tmp_path) -> Path:
    return export_bag(tmp_path / "bag", [unit], open_blob, title="移交测试")


def verify(path: Path, *extra: str) -> subprocess.CompletedProcess:
    """The verifier run as a user runs it: the system Python, isolated, no Django."""
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    return subprocess.run(
        [python, "-I", str(TOOL), "bag", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _unit_dir(bag: Path) -> Path:
    return next(p for p in (bag / "data").iterdir() if p.name != "ledger")


def test_bag_validates_and_verifies_offline(bag, unit, tmp_path):
    spec, _volume = unit
    bagit.Bag(str(bag)).validate()
    unit_dir = _unit_dir(bag)
    assert unit_dir.name == spec.archival_code
    files = sorted(p.name for p in (unit_dir / "files").iterdir())
    assert files[0] == "000-案卷.pdf" and len(files) == len(spec.items) + 1
    assert any(name.endswith(".mp4") for name in files)
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for tag in ("Source-Organization: ", "Bagging-Date: ", "Payload-Oxum: ", "移交测试"):
        assert tag in info
    assert "manifest-sm3.txt" in (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    metadata = ET.parse(unit_dir / "metadata.xml").getroot()
    assert metadata.findtext("档号") == spec.archival_code
    first = metadata.find("卷内文件目录/卷内文件")
    assert first.findtext("题名") == spec.items[0].title
    assert int(first.findtext("页数")) >= 1
    digests = {e.get("算法"): e.text for e in first.iter("摘要值")}
    assert digests == {"SHA-256": spec.items[0].file.sha256, "SM3": spec.items[0].file.sm3}
    premis = ET.parse(unit_dir / "premis.xml").getroot()
    ns = {"p": "http://www.loc.gov/premis/v3"}
    assert "document.issue" in [e.text for e in premis.findall("p:event/p:eventType", ns)]

    done = verify(bag)
    assert done.returncode == 0, done.stderr
    assert "验证通过" in done.stdout and "--key" in done.stdout  # warns: keys from the bag only
    key_file = tmp_path / "published-keys.txt"
    key_file.write_text(keys.verifier_key_file(), encoding="utf-8")
    done = verify(bag, "--key", str(key_file))
    assert done.returncode == 0, done.stderr
    proof = next((unit_dir / "proofs").iterdir())  # each proof also verifies on its own
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    alone = subprocess.run(
        [python, "-I", str(TOOL), "inclusion", "--key", str(key_file), str(proof)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert alone.returncode == 0, alone.stderr


def _a_changed_payload_byte_fails(bag, tmp_path):
    recording = next(p for p in (_unit_dir(bag) / "files").iterdir() if p.suffix == ".mp4")
    data = bytearray(recording.read_bytes())
    data[-1] ^= 1
    recording.write_bytes(bytes(data))
    done = verify(bag)
    assert done.returncode == 1
    assert f"{recording.name}" in done.stderr and "SHA-256" in done.stderr
    assert "账本" in done.stderr  # its digest no longer equals the one in its ledger entry


def _a_changed_payload_with_rewritten_manifests_still_fails(bag, tmp_path):
    """A forger who also rewrites the manifests is caught by the ledger entry's digest."""
    recording = next(p for p in (_unit_dir(bag) / "files").iterdir() if p.suffix == ".mp4")
    recording.write_bytes(recording.read_bytes() + b"x")
    _reseal(bag)
    done = verify(bag)
    assert done.returncode == 1
    assert done.stderr.count("验证失败") == 1, done.stderr
    assert "账本条目" in done.stderr and recording.name in done.stderr


def _an_altered_proof_fails(bag, tmp_path):
    proof_path = next((_unit_dir(bag) / "proofs").iterdir())
    proof = json.loads(proof_path.read_text(encoding="utf-8"))
    first = proof["proof"][0]
    proof["proof"][0] = ("0" if first[0] != "0" else "1") + first[1:]
    proof_path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    done = verify(bag)
    assert done.returncode == 1
    assert "包含证明与检查点根哈希不符" in done.stderr and proof_path.name in done.stderr


def _a_forged_checkpoint_signature_fails(bag, tmp_path):
    checkpoint = bag / "data" / "ledger" / "checkpoint.txt"
    text, _sep, signatures = checkpoint.read_text(encoding="utf-8").rpartition("\n\n")
    forged = []
    for line in signatures.splitlines():
        name, payload = line.removeprefix("— ").split(" ")
        raw = bytearray(base64.b64decode(payload))
        raw[-1] ^= 1
        forged.append(f"— {name} {base64.b64encode(bytes(raw)).decode()}")
    checkpoint.write_text(text + "\n\n" + "\n".join(forged) + "\n", encoding="utf-8")
    done = verify(bag)
    assert done.returncode == 1
    assert "签名无效" in done.stderr and "checkpoint.txt" in done.stderr


def _reseal(bag: Path) -> None:
    """Rewrite the manifests as a forger would after changing files, so only the proofs catch it."""
    import hashlib

    for prefix in ("manifest", "tagmanifest"):  # payload manifests first: tag manifests list them
        for algorithm in ("sha256", "sm3"):
            manifest = bag / f"{prefix}-{algorithm}.txt"
            lines = []
            for line in manifest.read_text(encoding="utf-8").splitlines():
                _digest, path = line.split("  ", 1)
                digest = hashlib.new(algorithm, (bag / path).read_bytes()).hexdigest()
                lines.append(f"{digest}  {path}\n")
            manifest.write_text("".join(lines), encoding="utf-8")
        if prefix == "manifest":  # and the Payload-Oxum, which the tag manifests cover
            files = [p for p in (bag / "data").rglob("*") if p.is_file()]
            info = bag / "bag-info.txt"
            oxum = f"Payload-Oxum: {sum(p.stat().st_size for p in files)}.{len(files)}"
            info.write_text(
                re.sub(r"Payload-Oxum: \S+", oxum, info.read_text(encoding="utf-8")), "utf-8"
            )


def _keys_in_the_bag_alone_do_not_vouch_for_it(bag, tmp_path):
    """A forger re-signs the checkpoint with a key of his own and puts that key in the bag:
    checked against the bag's keys it passes (that is the point of ADR 0121), checked against
    the key the verifier got separately it fails."""
    from sanxiang.ledger.checkpoint import NoteSigner, parse_note, sign_note
    from sanxiang.ledger.signing import ED25519, generate_signing_key

    forger = NoteSigner(keys.key_name(), generate_signing_key(ED25519))
    ledger = bag / "data" / "ledger"
    text, _signatures = parse_note((ledger / "checkpoint.txt").read_text(encoding="utf-8"))
    forged = sign_note(text, [forger])
    (ledger / "checkpoint.txt").write_text(forged, encoding="utf-8")
    (ledger / "verifier-keys.txt").write_text(forger.verifier.vkey() + "\n", encoding="utf-8")
    for proof_path in (_unit_dir(bag) / "proofs").iterdir():
        proof = json.loads(proof_path.read_text(encoding="utf-8"))
        proof["checkpoint"] = forged
        proof_path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    _reseal(bag)
    assert verify(bag).returncode == 0
    published = tmp_path / "published-keys.txt"
    published.write_text(keys.verifier_key_file(), encoding="utf-8")
    done = verify(bag, "--key", str(published))
    assert done.returncode == 1
    assert "没有可信密钥的有效签名" in done.stderr and "另行取得" in done.stderr


def _a_removed_file_fails(bag, tmp_path):
    proof_path = next((_unit_dir(bag) / "proofs").iterdir())
    original = _unit_dir(bag) / json.loads(proof_path.read_text(encoding="utf-8"))["file"]
    original.unlink()
    done = verify(bag)
    assert done.returncode == 1
    assert original.name in done.stderr and "缺少" in done.stderr


def _removed_file_and_proof_with_resealed_manifests(bag, tmp_path):
    proof_path = sorted((_unit_dir(bag) / "proofs").iterdir())[-1]
    original = _unit_dir(bag) / json.loads(proof_path.read_text(encoding="utf-8"))["file"]
    original.unlink()
    proof_path.unlink()
    for algorithm in ("sha256", "sm3"):
        manifest = bag / f"manifest-{algorithm}.txt"
        lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if original.name not in line]
        manifest.write_text("".join(kept), encoding="utf-8")
    _reseal(bag)
    done = verify(bag)
    assert done.returncode == 1
    assert done.stderr.count("验证失败") == 1, done.stderr
    assert "metadata.xml" in done.stderr and original.name in done.stderr


TAMPERINGS = [
    _removed_file_and_proof_with_resealed_manifests,
    _a_changed_payload_byte_fails,
    _a_changed_payload_with_rewritten_manifests_still_fails,
    _an_altered_proof_fails,
    _a_forged_checkpoint_signature_fails,
    _keys_in_the_bag_alone_do_not_vouch_for_it,
    _a_removed_file_fails,
]


def test_several_units_in_one_bag(unit, tmp_path):
    """A mine's file or an agency's year: the same function, several units, one bag."""
    spec, volume = unit
    second = dataclasses.replace(spec, unit_id=spec.unit_id + 1, archival_code="")
    path = export_bag(
        tmp_path / "mine", [(spec, volume), (second, None)], open_blob, title="一矿一档"
    )
    bagit.Bag(str(path)).validate()
    units = sorted(p.name for p in (path / "data").iterdir())
    assert units == sorted([spec.archival_code, f"案卷-{second.unit_id}", "ledger"])
    assert not (path / "data" / f"案卷-{second.unit_id}" / "files" / "000-案卷.pdf").exists()
    done = verify(path)
    assert done.returncode == 0, done.stderr
    assert f"{2 * len(spec.items) + 1} 件原件" in done.stdout


def test_tampering_is_caught_and_named(bag, tmp_path):
    """Each tampering on its own copy of one exported bag (exporting is the slow part)."""
    for tamper in TAMPERINGS:
        copy = tmp_path / tamper.__name__ / "bag"
        shutil.copytree(bag, copy)
        tamper(copy, copy.parent)


def test_changed_stored_bytes_refuse_export(unit, tmp_path):
    spec, volume = unit
    recording = spec.items[-1].file
    stored = blob_local_path(recording.path)
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes()[:-1] + b"!")
    with pytest.raises(ExportError, match="摘要值不符"):
        export_bag(tmp_path / "bag", [(spec, volume)], open_blob, title="移交测试")
    assert not (tmp_path / "bag").exists()
    assert not list(tmp_path.glob(".bag*"))
