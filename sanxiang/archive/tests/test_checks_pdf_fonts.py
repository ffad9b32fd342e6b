"""四性检测, usability: a PDF that relies on the reader's fonts is named with those fonts."""

from __future__ import annotations

from sanxiang.archive.checks.files import ReadFile
from sanxiang.archive.checks.usability import check_pdf, unembedded_fonts
from sanxiang.archive.spec import LedgerRef, StoredFile

from .checks_world import real_pdf


def pdf_with_a_standard_font() -> bytes:
    """A one-page PDF whose text uses Helvetica by name, not embedded (as old office tools do)."""
    stream = b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def target(path) -> ReadFile:
    stored = StoredFile(
        "blobs/x", 0, "", "", "application/pdf", LedgerRef("documents.document", "1")
    )
    return ReadFile(stored=stored, ref="seq:7", label="第7件 现场检查笔录", path=path)


def test_fonts_not_embedded_are_named(tmp_path):
    path = tmp_path / "old.pdf"
    path.write_bytes(pdf_with_a_standard_font())
    assert unembedded_fonts(path) == ["Helvetica"]

    finding = check_pdf(target(path))
    assert not finding.ok
    assert finding.code == "pdf_fonts_not_embedded"
    assert finding.message == "PDF 未嵌入字体：Helvetica"


def test_a_weasyprint_pdf_embeds_its_chinese_fonts(tmp_path):
    path = tmp_path / "issued.pdf"
    path.write_bytes(real_pdf("行政处罚决定书"))
    assert unembedded_fonts(path) == []
    assert check_pdf(target(path)).ok
