"""Laying one PDF page over another without rewriting either (stamps, watermarks).

pypdf's ``merge_page`` parses both pages' content streams, renames clashing resources and
copies the overlay's fonts into every page it touches: a 1,000-page volume took ~40 s and a
watermarked copy grew tenfold. Here the overlay page becomes a Form XObject, added to the
output once, and each page gets a reference to it and two short content streams around its
own: the original's bytes are not parsed or changed, the work per page is constant and a
watermark shared by every page is stored once (ADR 0116). qpdf's overlay works the same way.
"""

from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
)


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _content_bytes(page: PageObject) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(part.get_object().get_data() for part in parts)


def page_as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """``page`` (of any PDF) as a Form XObject in ``writer``, to be drawn on many pages.

    Its resources are cloned into ``writer``; pypdf clones each source object once per
    source document, so forms made from pages of one document share their fonts.
    """
    box = page.mediabox
    form = DecodedStreamObject()
    form.set_data(_content_bytes(page))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/FormType"): NumberObject(1),
            NameObject("/BBox"): ArrayObject(
                [
                    FloatObject(box.left),
                    FloatObject(box.bottom),
                    FloatObject(box.right),
                    FloatObject(box.top),
                ]
            ),
            NameObject("/Resources"): page.get("/Resources", DictionaryObject())
            .get_object()
            .clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())


def overlay(writer: PdfWriter, page: PageObject, form: IndirectObject) -> None:
    """Draw ``form`` over ``page`` (a page of ``writer``) at the lower left of its crop box.

    The page's own content runs between ``q`` and ``Q``, so a graphics state it leaves changed
    does not move the overlay. Each page gets its own two small streams: pypdf copies a stream
    shared by several pages once per page when a document is cloned.
    """
    name = NameObject(f"/SxOverlay{form.idnum}")
    resources = page.get("/Resources", DictionaryObject()).get_object()
    own = DictionaryObject(resources)  # a shallow copy: a shared dictionary stays as it was
    xobjects = DictionaryObject(own.get("/XObject", DictionaryObject()).get_object())
    xobjects[name] = form
    own[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = own

    box = page.cropbox
    draw = f"\nQ\nq 1 0 0 1 {float(box.left):.3f} {float(box.bottom):.3f} cm {name} Do Q\n"
    contents = page.get("/Contents")
    current = None if contents is None else contents.get_object()
    if isinstance(current, ArrayObject):
        parts = list(current)
    else:
        parts = [] if contents is None else [contents]
    page[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, b"q\n"), *parts, _stream(writer, draw.encode())]
    )
