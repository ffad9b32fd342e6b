"""Checks every issued document of a test world as a verifier would (issue 18 acceptance, ADR 0200).

For each document: the stored PDF still has the digest the row and the ledger recorded;
pyHanko's validator, with the agency CA as the only trust root, finds each signature valid and
names the signer (the agency's seal, or the issuing person); ``ledger_finds`` finds the file;
one changed byte inside the signed range makes both report it; and a visible seal sits over
the agency-name and date lines and overlaps no other text (the seal's box against the word
boxes the text extractor reports — pdfminer's when installed, else poppler's ``pdftotext
-bbox``, which reads the same content streams).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from io import BytesIO

from sanxiang.core.blobstore import blob_read
from sanxiang.documents import signing
from sanxiang.ledger.models import LedgerEntry


@dataclass(frozen=True)
class SealBox:
    page: int  # 0-based
    box: tuple[float, float, float, float]  # x0, top, x1, bottom; top-left origin, points


def seal_box(pdf: bytes) -> SealBox | None:
    """The visible signature field's box, or None for an invisible (personal) signature."""
    from pypdf import PdfReader

    for index, page in enumerate(PdfReader(BytesIO(pdf)).pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/T") != signing.FIELD_NAME:
                continue
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            if x2 - x1 <= 0 or y2 - y1 <= 0:
                return None
            height = float(page.mediabox.top)
            return SealBox(index, (x1, height - y2, x2, height - y1))
    return None


def text_boxes(pdf: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words on ``page`` (0-based) with their boxes (top-left origin, points)."""
    try:
        return _pdfminer_boxes(pdf, page)
    except ImportError:
        pass
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [(m[4], *(float(v) for v in m[:4])) for m in re.findall(pattern, out)]


def _pdfminer_boxes(pdf: bytes, page: int):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextLine

    boxes = []
    for layout in extract_pages(BytesIO(pdf), page_numbers=[page]):
        stack = list(layout)
        while stack:
            item = stack.pop()
            if isinstance(item, LTTextLine):
                x0, y0, x1, y1 = item.bbox
                text = item.get_text().strip()
                if text:
                    boxes.append((text, x0, layout.height - y1, x1, layout.height - y0))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return boxes


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def one_byte_changed(pdf: bytes) -> bytes:
    """``pdf`` with one byte changed in the middle of the signature's first signed range."""
    match = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", pdf)
    at = int(match[1]) // 2
    changed = bytearray(pdf)
    changed[at] = (changed[at] + 1) % 256
    return bytes(changed)


def check_document(document) -> list[str]:
    """Everything wrong with one issued document's PDF, in words (empty: all holds)."""
    problems = []
    label = f"{document.title} {document.number}"
    pdf = blob_read(document.pdf_path)
    if hashlib.sha256(pdf).hexdigest() != document.pdf_sha256:
        problems.append(f"{label}: stored file differs from its digest")
    event = LedgerEntry.objects.get(action="document.issue", object_id=str(document.pk))
    facts = (json.loads(event.body).get("details") or {}).get("signature") or {}
    report = signing.verify_pdf(pdf)
    if not report.valid:
        problems.append(f"{label}: not valid: {report}")
    expected = (
        f"{document.agency.name}电子印章"
        if facts.get("kind") == "seal"
        else document.issued_by.full_name
    )
    if [s.signer for s in report.signatures] != [expected]:
        problems.append(f"{label}: signers {[s.signer for s in report.signatures]} ≠ {expected}")
    if signing.ledger_finds(pdf) != document:
        problems.append(f"{label}: the ledger does not find its digest")
    changed = one_byte_changed(pdf)
    if signing.verify_pdf(changed).valid or signing.ledger_finds(changed) is not None:
        problems.append(f"{label}: one changed byte goes unreported")
    box = seal_box(pdf)
    if (box is not None) != (facts.get("kind") == "seal"):
        problems.append(f"{label}: a {facts.get('kind')} signature with seal box {box}")
    if box is not None:
        inside = [w for w in text_boxes(pdf, box.page) if _overlaps(w[1:], box.box)]
        covered = "".join(w[0] for w in inside)
        name = document.agency.name
        if name not in covered or "年" not in covered:
            problems.append(f"{label}: the seal is not over the agency name and date: {covered}")
        strays = [w for w in inside if not (w[0] in name or re.fullmatch(r"[\d年月日]+", w[0]))]
        if strays:
            problems.append(f"{label}: the seal overlaps other text: {strays}")
    return problems


def check_all(documents) -> tuple[int, list[str]]:
    """(documents checked, problems) over ``documents``."""
    problems: list[str] = []
    count = 0
    for document in documents:
        count += 1
        problems.extend(check_document(document))
    return count, problems
