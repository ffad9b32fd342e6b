"""The volume (ADR 0115): real PDFs in, one paginated PDF out, read back with poppler.

The originals are WeasyPrint PDFs in Chinese, stored as files; each page of them says which
source page it is ("原件第N页"), so the tests can see that every printed page number sits on
the right page and that the contents give the real ranges.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter

from sanxiang.archive.spec import ItemKind, LedgerRef, Stage, StoredFile, UnitItem, UnitSpec
from sanxiang.archive.volume import format_duration, render_volume, watermark_copy

LANDSCAPE_PAGE = 3  # the second page of the three-page item is A4 landscape


@pytest.fixture(scope="module")
def source_pages() -> PdfReader:
    """Eight pages, one WeasyPrint run: the originals are cut from it."""
    from weasyprint import HTML

    pages = "".join(
        f'<div class="{"wide" if n == LANDSCAPE_PAGE else ""}">原件第{n}页　煤矿安全监察执法文书</div>'
        for n in range(1, 9)
    )
    html = f"""<style>@page {{ size: A4; margin: 25mm }} @page wide {{ size: A4 landscape }}
      body {{ font-family: 'Noto Serif CJK SC'; font-size: 14pt }}
      div {{ break-after: page }} div.wide {{ page: wide }}</style>{pages}"""
    return PdfReader(io.BytesIO(HTML(string=html).write_pdf()))


class Store:
    """A folder of originals, opened as the blob store opens them; counts open handles."""

    def __init__(self, root, source: PdfReader):
        self.root, self.source, self.next_page, self.open_handles = root, source, 0, []

    def put(self, data: bytes, media_type: str = "application/pdf") -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        (self.root / digest).write_bytes(data)
        return StoredFile(
            path=digest,
            size=len(data),
            sha256=digest,
            sm3=hashlib.new("sm3", data).hexdigest(),
            media_type=media_type,
            ledger=LedgerRef("documents.document", digest[:8]),
        )

    def pdf(self, pages: int) -> StoredFile:
        """The next ``pages`` source pages as one original."""
        writer = PdfWriter()
        for index in range(self.next_page, self.next_page + pages):
            writer.add_page(self.source.pages[index])
        self.next_page += pages
        out = io.BytesIO()
        writer.write(out)
        return self.put(out.getvalue())

    def open(self, stored: StoredFile):
        handle = open(self.root / stored.path, "rb")  # noqa: SIM115 - the renderer closes it
        self.open_handles.append(handle)
        return handle

    def digests(self) -> set[str]:
        return {hashlib.sha256(path.read_bytes()).hexdigest() for path in self.root.iterdir()}


@pytest.fixture
def store(tmp_path, source_pages) -> Store:
    root = tmp_path / "blobs"
    root.mkdir()
    return Store(root, source_pages)


def document(seq: int, file: StoredFile | None, **changes) -> UnitItem:
    values = {
        "seq": seq,
        "stage": Stage.INVESTIGATION,
        "kind": ItemKind.DOCUMENT,
        "title": f"文书{seq}号题名",
        "doc_number": f"煤安监〔2026〕{seq}号",
        "responsible": "测试省煤矿安全监察局第一分局",
        "date": date(2026, 3, 1 + seq % 28),
        "file": file,
    }
    return UnitItem(**(values | changes))


def recording(store: Store, seq: int, seconds: float) -> UnitItem:
    return UnitItem(
        seq=seq,
        stage=Stage.INVESTIGATION,
        kind=ItemKind.RECORDING,
        title=f"执法记录仪录像第{seq}段",
        doc_number="",
        responsible="执法人员张三",
        date=date(2026, 3, 2),
        file=store.put(f"video {seq}".encode(), "video/mp4"),
        duration_seconds=seconds,
    )


def unit(items, **changes) -> UnitSpec:
    values = {
        "unit_id": 7,
        "kind_label": "行政处罚案卷",
        "title": "关于测试煤矿未按规定设置甲烷传感器的行政处罚案",
        "archival_code": "",
        "fonds_code": "J017",
        "agency_name": "测试省煤矿安全监察局第一分局",
        "year": 2026,
        "retention_label": "30年",
        "confidentiality_label": "一般",
        "subject_label": "测试省安泰煤业有限公司泰安煤矿",
        "date_from": date(2026, 3, 1),
        "date_to": date(2026, 6, 1),
        "items": tuple(items),
        "filed_by": "李立卷",
        "checked_by": "王检查",
        "filed_on": date(2026, 6, 2),
        "notes": "本卷示例说明。",
    }
    return UnitSpec(**(values | changes))


def text(pdf: bytes, tmp_path, page: int, *extra: str, last: int | None = None) -> str:
    """pdftotext of one page or pages (1-based), with its layout kept."""
    path = tmp_path / "volume.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(last or page)]
    args = ["pdftotext", *(extra or ("-layout",)), *pages, str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def flat(found: str) -> str:
    """Text without spaces and line breaks, for words that wrap or are spaced out."""
    return re.sub(r"\s+", "", found)


def words(pdf: bytes, tmp_path, page: int) -> tuple[float, float, list[tuple[str, float, float]]]:
    """(width, height, [(word, x max, y max)]) of one page, y counted from the top."""
    html = text(pdf, tmp_path, page, "-layout", "-bbox")
    width, height = map(
        float, re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html).groups()
    )
    found = re.findall(r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', html)
    return width, height, [(word, float(x), float(y)) for x, y, word in found]


def corner_numbers(pdf: bytes, tmp_path, page: int) -> list[str]:
    """Numbers printed in the lower-right corner of a page (right fifth, bottom tenth)."""
    width, height, found = words(pdf, tmp_path, page)
    return [w for w, x, y in found if w.isdigit() and x > width * 0.8 and y > height * 0.9]


@pytest.fixture(scope="module")
def volume(tmp_path_factory, source_pages):
    """Items of 1, 3 and 2 pages, a long run of recordings, a voided item, a last item.

    Rendered once for the module: the tests below only read it.
    """
    store = Store(tmp_path_factory.mktemp("blobs"), source_pages)
    items = [document(1, store.pdf(1)), document(2, store.pdf(3)), document(3, store.pdf(2))]
    items += [recording(store, seq, 754.4 + seq) for seq in range(4, 34)]
    items += [document(34, store.pdf(1), voided=True, remarks="已重新制作")]
    spec = unit(items)
    return spec, render_volume(spec, store.open)


def test_contents_give_the_printed_page_ranges_across_two_directory_pages(volume, tmp_path):
    _spec, result = volume
    assert result.pages == {1: (1, 1), 2: (2, 4), 3: (5, 6), 34: (7, 7)}
    assert result.page_count == 7
    assert result.contents_sheets >= 2, "the directory must be long enough to turn the page"
    assert result.sheet_count == len(PdfReader(io.BytesIO(result.pdf)).pages)
    assert (
        result.sheet_count == result.cover_sheets + result.contents_sheets + 7 + result.end_sheets
    )

    directory = text(result.pdf, tmp_path, result.cover_sheets + 1, last=result.first_item_sheet)
    assert directory.count("页号") == result.contents_sheets  # the header row repeats on each page
    for seq, printed in ((1, "1"), (2, "2-4"), (3, "5-6"), (34, "7")):
        row = re.search(rf"^[ \t]*{seq}\s.*文书{seq}号题名.*$", directory, re.MULTILINE)
        assert row, f"item {seq} is missing from the directory"
        assert re.search(rf"\s{printed}(\s|$)", row.group(0)), row.group(0)
    for seq in range(4, 34):  # the date is followed by 备注 at once: no 页号 between them
        row = rf"^[ \t]*{seq}\s.*\s20260302\s+录音录像"
        assert re.search(row, directory, re.MULTILINE), f"recording {seq}"
    assert "录音录像，原件另存" in directory

    # Each printed number sits on the page it names: printed page 5 is the fifth source page.
    for printed in range(1, 8):
        sheet = result.first_item_sheet + printed
        assert f"原件第{printed}页" in text(result.pdf, tmp_path, sheet)

    labels = PdfReader(io.BytesIO(result.pdf)).page_labels
    assert labels[result.first_item_sheet : result.first_item_sheet + 7] == list("1234567")
    assert labels[0] == "封面" and labels[-1] == "备考表"


def test_page_numbers_sit_at_the_lower_right_of_item_pages_only(volume, tmp_path):
    _spec, result = volume
    for printed in range(1, 8):
        sheet = result.first_item_sheet + printed
        assert corner_numbers(result.pdf, tmp_path, sheet) == [str(printed)], printed
    width, height, _ = words(result.pdf, tmp_path, result.first_item_sheet + LANDSCAPE_PAGE)
    assert width > height, "the landscape page is stamped at its own lower right"
    for sheet in [*range(1, result.first_item_sheet + 1), result.sheet_count]:
        assert corner_numbers(result.pdf, tmp_path, sheet) == [], "cover, directory, end sheet"


def test_a_rotated_page_is_numbered_where_the_reader_sees_its_lower_right(store, tmp_path):
    reader = PdfReader(io.BytesIO((store.root / store.pdf(1).path).read_bytes()))
    writer = PdfWriter()
    writer.add_page(reader.pages[0]).rotate(90)
    out = io.BytesIO()
    writer.write(out)
    result = render_volume(unit([document(1, store.put(out.getvalue()))]), store.open)
    width, height, _ = words(result.pdf, tmp_path, result.first_item_sheet + 1)
    assert width > height
    assert corner_numbers(result.pdf, tmp_path, result.first_item_sheet + 1) == ["1"]


def test_cover_shows_the_archival_code_or_that_it_is_pending(store, tmp_path):
    items = [document(1, store.pdf(1)), recording(store, 2, 60)]
    pending = render_volume(unit(items), store.open)
    cover = flat(text(pending.pdf, tmp_path, 1))
    for words_on_cover in (
        "待编号",
        "J017",
        "2026",
        "测试省煤矿安全监察局第一分局",
        "行政处罚案卷",
        "关于测试煤矿未按规定设置甲烷传感器的行政处罚案",
        "2026年3月1日至2026年6月1日",
        "30年",
        "一般",
        "2件1页",
    ):
        assert words_on_cover in cover, words_on_cover

    code = "J017-ZF·2026-D30-AJ-0042"
    filed = render_volume(unit(items, archival_code=code), store.open)
    assert code in text(filed.pdf, tmp_path, 1)
    assert "待编号" not in text(filed.pdf, tmp_path, 1)
    assert f"档号：{code}" in text(filed.pdf, tmp_path, 2)


def test_end_sheet_lists_recordings_durations_and_who_filed(volume, tmp_path):
    spec, result = volume
    end = text(
        result.pdf, tmp_path, result.sheet_count - result.end_sheets + 1, last=result.sheet_count
    )
    assert "卷内备考表" in end
    assert "本卷共有文件材料34件，共7页" in end
    assert "其中录音录像30件" in end
    for seq in range(4, 34):
        assert f"执法记录仪录像第{seq}段" in end
        assert format_duration(754.4 + seq) in end
    assert spec.items[3].file.sha256[:16] in end
    assert "第34件《文书34号题名》已作废" in end
    for line in ("立卷人：李立卷", "检查人：王检查", "立卷时间：2026年6月2日", "本卷示例说明。"):
        assert line in flat(end), line


def test_format_duration():
    assert format_duration(754.4) == "12分34秒"
    assert format_duration(3725) == "1小时02分05秒"
    assert format_duration(None) == "时长不明"


def test_a_voided_item_keeps_its_pages_marked_voided(volume, tmp_path):
    _spec, result = volume
    directory = text(result.pdf, tmp_path, result.cover_sheets + 1, last=result.first_item_sheet)
    row = re.search(r"^[ \t]*34\s.*$", directory, re.MULTILINE).group(0)
    assert "作废" in row
    voided_page = flat(text(result.pdf, tmp_path, result.first_item_sheet + 7, "-raw"))
    assert "原件第7页" in voided_page and "作废本件已作废" in voided_page
    assert "作废" not in flat(text(result.pdf, tmp_path, result.first_item_sheet + 1, "-raw"))


def test_fonts_are_embedded(volume, tmp_path):
    _spec, result = volume
    path = tmp_path / "fonts.pdf"
    path.write_bytes(result.pdf)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows and any("CJK" in row for row in rows)
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_originals_are_read_once_closed_and_never_changed(store, tmp_path):
    items = [document(1, store.pdf(2)), document(2, store.pdf(1))]
    before = store.digests()
    render_volume(unit(items), store.open)
    assert store.digests() == before
    assert len(store.open_handles) == 2
    assert all(handle.closed for handle in store.open_handles)


def test_missing_or_unreadable_originals_are_listed_not_printed(store, tmp_path):
    class Unseekable(io.RawIOBase):  # an object store's body: read only, no seek
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            data = self.inner.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

    good = store.pdf(2)
    items = [
        document(1, None),
        document(2, store.put(b"%PDF-1.7 this is not a PDF at all")),
        document(3, good),
        document(4, store.put((store.root / good.path).read_bytes()[:-900])),  # truncated
        dataclasses.replace(recording(store, 5, 30), file=None),
    ]
    result = render_volume(unit(items), lambda f: Unseekable((store.root / f.path).read_bytes()))
    assert result.pages == {3: (1, 2)}
    assert result.problems == (
        "第1件《文书1号题名》：原件缺失",
        "第2件《文书2号题名》：原件无法打开",
        "第4件《文书4号题名》：原件无法打开",
        "第5件《执法记录仪录像第5段》：原件缺失",
    )
    directory = text(result.pdf, tmp_path, 2)
    assert "原件缺失" in directory and "原件无法打开" in directory
    assert re.search(r"^[ \t]*5\s.*20260302\s+录音录像", directory, re.MULTILINE)


def test_watermark_on_every_page_of_a_borrowing_copy(volume, tmp_path):
    _spec, result = volume
    mark = "借阅人赵六 用途案卷评查 2026-12-07 10:00"
    copy = watermark_copy(result.pdf, mark)
    assert len(copy) < len(result.pdf) * 1.3, "one overlay, stored once"
    pages = PdfReader(io.BytesIO(copy)).pages
    assert len(pages) == result.sheet_count
    for page in range(1, result.sheet_count + 1):
        assert "借阅人赵六" in text(copy, tmp_path, page).replace(" ", ""), page
    # diagonal rows across the whole page, not one corner of it
    for sheet in (1, result.first_item_sheet + LANDSCAPE_PAGE):
        width, height, found = words(copy, tmp_path, sheet)
        quadrants = {(x > width / 2, y > height / 2) for w, x, y in found if w == "赵"}
        assert len(quadrants) == 4, sheet
    # the volume itself is untouched; the copy keeps the page numbers
    assert "借阅人" not in text(result.pdf, tmp_path, 1)
    assert "2" in corner_numbers(copy, tmp_path, result.first_item_sheet + 2)


def test_the_result_is_frozen(volume):
    _spec, result = volume
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.page_count = 0


def test_an_empty_unit_still_has_cover_directory_and_end_sheet(tmp_path):
    result = render_volume(unit([]), lambda stored: pytest.fail("nothing to open"))
    assert (result.pages, result.page_count, result.sheet_count) == ({}, 0, 3)
    assert "本卷共有文件材料0件，共0页" in flat(text(result.pdf, tmp_path, 3))
