"""Transfer packages (移交): archive units as one BagIt bag that proves itself offline.

One function packs one unit, a mine's file (一矿一档) or an agency's year alike: it takes any
number of units. The bag (RFC 8493, BagIt 1.0) holds, per unit, ``data/<档号>/``:

* ``files/`` — the volume PDF (``000-案卷.pdf``) and every item's original (PDFs, recordings),
  copied from the blob store as stored — never the derived copies;
* ``metadata.xml`` — the unit with GB/T 18894 / DA/T 46 element names (ADR 0120);
* ``premis.xml`` — each original's event history from the ledger (PREMIS 3);
* ``proofs/<file>.json`` — the inclusion proof of the ledger entry that recorded each
  original's digest, with the entry text, in the format ``sanxiang_verify inclusion`` reads;

and ``data/ledger/checkpoint.txt`` (the signed checkpoint every proof is against) and
``data/ledger/verifier-keys.txt`` (the verifier keys). ``manifest-sha256.txt`` serves BagIt
validators; ``manifest-sm3.txt`` carries the SM3 digests the national standards ask for (a tag
file for bagit-python, which knows only the algorithms hashlib guarantees; listed in
``tagmanifest-sha256.txt``); ``tagmanifest-sm3.txt`` closes the SM3 chain over the tag files.
``sanxiang-verify bag PATH`` checks all of it with the standard library (ADR 0121).

Large recordings are streamed: each original is read once, in 1 MiB chunks, and hashed with
SHA-256 and SM3 while it is written (SM3 on a helper thread, ``core.blobstore.DualHasher``);
the manifests are written from those digests, so no payload byte is read twice. bagit (the
Library of Congress's library) then checks the finished bag's structure, completeness and
Payload-Oxum before it is moved into place; the full re-hash is for the receiver.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bagit
import pypdf
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.blobstore import DualHasher, read_chunks, write_hashed
from sanxiang.ledger import keys

from . import proofs
from .metadata_xml import PackedFile, unit_metadata_xml
from .premis import unit_premis_xml
from .spec import ItemKind, OpenFile, StoredFile, UnitItem, UnitSpec

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
LEDGER_DIR = "ledger"
CHECKPOINT_FILE = "checkpoint.txt"
KEYS_FILE = "verifier-keys.txt"
VOLUME_STEM = "000-案卷"
ALGORITHMS = ("sha256", "sm3")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|%]+')
_EXTENSIONS = {"application/pdf": ".pdf", "video/mp4": ".mp4", "audio/mpeg": ".mp3"}


class ExportError(ValueError):
    """The package cannot be made as asked; nothing is left at the destination."""


@dataclass(frozen=True)
class _Payload:
    size: int
    sha256: str
    sm3: str


def safe_name(text: str, limit: int = 80) -> str:
    """A file or directory name from free text: NFC, no separators or control characters."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", text)).strip(" .")
    return name[:limit] or "_"


def _extension(file: StoredFile) -> str:
    suffix = Path(file.name).suffix if file.name else ""
    if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix):
        return suffix.lower()
    return _EXTENSIONS.get(file.media_type) or mimetypes.guess_extension(file.media_type) or ""


def _unit_dirs(units: Sequence[tuple[UnitSpec, StoredFile | None]]) -> list[str]:
    names: list[str] = []
    for spec, _volume in units:
        name = safe_name(spec.archival_code) if spec.archival_code else f"案卷-{spec.unit_id}"
        while name in names or name == LEDGER_DIR:
            name = f"{name}-{spec.unit_id}"
        names.append(name)
    return names


def _originals(
    spec: UnitSpec, volume: StoredFile | None
) -> list[tuple[str, StoredFile, UnitItem | None]]:
    """(file name, original, item) in package order: the volume first, then the items."""
    listing: list[tuple[str, StoredFile, UnitItem | None]] = []
    if volume is not None:
        listing.append((VOLUME_STEM + _extension(volume), volume, None))
    for item in spec.items:
        if item.kind == ItemKind.CLASSIFIED and item.file is None:
            continue  # a state secret is listed by reference (metadata), never packed: ADR 0128
        if item.file is None:
            raise ExportError(
                _("案卷“%(unit)s”第 %(seq)s 件“%(title)s”缺少原件，不能移交。")
                % {"unit": spec.title, "seq": item.seq, "title": item.title}
            )
        name = f"{item.seq:03d}-{safe_name(item.title, 60)}{_extension(item.file)}"
        listing.append((name, item.file, item))
    return listing


def _copy(file: StoredFile, open_file: OpenFile, target: Path) -> _Payload:
    """Stream one original into the bag, hashing as it goes; refuse bytes that changed."""
    hasher = DualHasher()
    with open_file(file) as source, open(target, "xb") as handle:
        write_hashed(read_chunks(source), handle, hasher)
    sha256, sm3 = hasher.hexdigests()
    if (sha256, sm3, hasher.size) != (file.sha256.lower(), file.sm3.lower(), file.size):
        raise ExportError(
            _("原件“%(name)s”的存储内容与登记的摘要值不符，不能移交。")
            % {"name": file.name or file.path}
        )
    return _Payload(hasher.size, sha256, sm3)


def _write(path: Path, data: bytes) -> _Payload:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    hasher = DualHasher()
    hasher.update(data)
    sha256, sm3 = hasher.hexdigests()
    return _Payload(len(data), sha256, sm3)


def _pages(path: Path, media_type: str) -> int | None:
    if media_type != "application/pdf":
        return None
    try:
        return len(pypdf.PdfReader(path).pages)
    except Exception:  # a page count describes; it is no condition of export
        return None


def _manifest_text(entries: dict[str, _Payload], algorithm: str) -> bytes:
    lines = [f"{getattr(p, algorithm)}  {path}\n" for path, p in sorted(entries.items())]
    return "".join(lines).encode("utf-8")


def _tag_value(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text).strip()


def _bag_info(
    units: Sequence[tuple[UnitSpec, StoredFile | None]],
    payload: dict[str, _Payload],
    originals: int,
    title: str,
) -> bytes:
    organizations = list(dict.fromkeys(spec.agency_name for spec, _v in units))
    octets = sum(p.size for p in payload.values())
    description = _(
        "%(title)s：案卷 %(units)s 卷，原件 %(originals)s 件；含卷内文件元数据"
        "（GB/T 18894、DA/T 46 元素）、PREMIS 事件记录、存证账本包含证明、签名检查点与验证公钥，"
        "可用 sanxiang-verify bag 离线核验。"
    ) % {"title": title, "units": len(units), "originals": originals}
    tags = [("Source-Organization", name) for name in organizations]
    tags += [
        ("Bagging-Date", timezone.localdate().isoformat()),
        ("Payload-Oxum", f"{octets}.{len(payload)}"),
        ("Bag-Size", f"{octets / 1024 / 1024:.1f} MiB"),
        ("External-Description", description),
        ("Bag-Software-Agent", "sanxiang archive export"),
    ]
    tags += [
        ("External-Identifier", spec.archival_code) for spec, _v in units if spec.archival_code
    ]
    return "".join(f"{name}: {_tag_value(value)}\n" for name, value in tags).encode("utf-8")


def export_bag(
    dest: Path,
    units: Sequence[tuple[UnitSpec, StoredFile | None]],
    open_file: OpenFile,
    *,
    title: str,
) -> Path:
    """Write ``units`` (each with its volume PDF, when there is one) as a bag at ``dest``.

    The bag is assembled beside ``dest`` and renamed into place when complete and checked,
    so ``dest`` is either a whole bag or absent. Raises :class:`ExportError` (in Chinese)
    when an original is missing, its stored bytes no longer match its recorded digests, or no
    ledger entry recorded its digest; ``FileExistsError`` when ``dest`` exists.
    """
    dest = Path(dest)
    if not units:
        raise ExportError(_("没有要移交的案卷。"))
    if dest.exists():
        raise FileExistsError(dest)
    listings = [_originals(spec, volume) for spec, volume in units]
    evidence = {file: _evidence(file) for listing in listings for _name, file, _item in listing}
    checkpoint = proofs.covering_checkpoint(max(e.entry.seq for e in evidence.values()))
    work = dest.with_name(f".{dest.name}.partial")
    shutil.rmtree(work, ignore_errors=True)
    try:
        payload = _assemble(work, units, listings, evidence, checkpoint, open_file)
        tags = {
            "bagit.txt": BAGIT_TXT.encode(),
            "bag-info.txt": _bag_info(units, payload, len(evidence), title),
        }
        tags.update({f"manifest-{a}.txt": _manifest_text(payload, a) for a in ALGORITHMS})
        tag_payload = {name: _write(work / name, data) for name, data in tags.items()}
        for algorithm in ALGORITHMS:
            _write(work / f"tagmanifest-{algorithm}.txt", _manifest_text(tag_payload, algorithm))
        bagit.Bag(str(work)).validate(completeness_only=True)  # structure, Oxum, manifests
        os.rename(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


def _evidence(file: StoredFile) -> proofs.LedgerEvidence:
    try:
        return proofs.ledger_evidence(file)
    except proofs.EvidenceMissing as exc:
        raise ExportError(str(exc)) from exc


def _assemble(work, units, listings, evidence, checkpoint, open_file) -> dict[str, _Payload]:
    payload: dict[str, _Payload] = {}
    data = work / "data"
    exported_at = timezone.now()
    for (spec, _volume), listing, unit_dir in zip(units, listings, _unit_dirs(units), strict=True):
        base = data / unit_dir
        (base / "files").mkdir(parents=True)
        (base / "proofs").mkdir()
        packed: list[PackedFile] = []
        for name, file, item in listing:
            target = base / "files" / name
            payload[f"data/{unit_dir}/files/{name}"] = _copy(file, open_file, target)
            found = evidence[file]
            proof = proofs.inclusion_evidence(
                file.ledger, seq=found.entry.seq, tree_size=checkpoint.tree_size
            )
            proof["file"] = f"files/{name}"
            proof["digest_paths"] = {a: list(p) for a, p in found.digest_paths.items()}
            proof_name = f"proofs/{name}.json"
            text = json.dumps(proof, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
            payload[f"data/{unit_dir}/{proof_name}"] = _write(base / proof_name, text)
            packed.append(
                PackedFile(
                    file=file,
                    path=f"files/{name}",
                    proof_path=proof_name,
                    ledger_seq=found.entry.seq,
                    pages=_pages(target, file.media_type),
                    item=item,
                )
            )
        payload[f"data/{unit_dir}/metadata.xml"] = _write(
            base / "metadata.xml", unit_metadata_xml(spec, packed)
        )
        payload[f"data/{unit_dir}/premis.xml"] = _write(
            base / "premis.xml", unit_premis_xml(packed, exported_at=exported_at)
        )
    ledger = data / LEDGER_DIR
    payload[f"data/{LEDGER_DIR}/{CHECKPOINT_FILE}"] = _write(
        ledger / CHECKPOINT_FILE, checkpoint.note.encode("utf-8")
    )
    payload[f"data/{LEDGER_DIR}/{KEYS_FILE}"] = _write(
        ledger / KEYS_FILE, keys.verifier_key_file().encode("utf-8")
    )
    return payload
