"""The walked case filed and handed over, in Chromium (issue 14 acceptance).

Called by ``test_case_walk.py`` right after the walk closes its case, so the case filed here is
the one the browser walk produced (its documents, its notice recording) and the walk runs once.
The officer hands the case file over (整理完毕，待归档); the custodian finds the draft unit in
the archive, sees every document the walk issued in its 卷内目录 and submits it (提交归档);
the check passes; the head approves (批准归档) and the 档号 is shown; the custodian downloads
the volume and exports the transfer package (导出移交包).

The volume is read back with poppler, against the originals: every item page carries its
printed number at the lower right and nothing else was added to it, the numbers run 1…N
without a gap over exactly the originals' pages, the front and end sheets carry none, and the
卷内目录 *printed in the volume* gives each item the range where its pages really are — the
same ranges the unit page shows. The bag is validated with the ``bagit`` library and checked
by ``sanxiang-verify bag`` under the system Python (standard library only), with sockets
refused, against the keys published at /transparency/.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tarfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import bagit

ROOT = Path(__file__).resolve().parents[2]
VERIFY = ROOT / "tools" / "sanxiang_verify.py"
# sanxiang-verify offline: any attempt to open a socket (DNS included) fails the run.
OFFLINE_VERIFY = """
import runpy, socket, sys
def refused(*args, **kwargs):
    raise OSError("network refused: sanxiang-verify must work offline")
socket.socket = socket.create_connection = socket.getaddrinfo = refused
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
VOID = "作废本件已作废，保留于卷内备查"  # the mark stamped across a voided item's pages


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Sheet:
    """One page of a PDF as poppler reads it: its size and its words with their boxes."""

    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def flat(self) -> str:
        return "".join(w.text for w in self.words)

    def corner_numbers(self) -> list[str]:
        """Numbers in the lower-right corner (right fifth, bottom tenth): the stamp's place."""
        return [
            w.text
            for w in self.words
            if w.text.isdigit() and w.x1 > self.width * 0.8 and w.y1 > self.height * 0.9
        ]


def read_sheets(pdf: Path) -> list[Sheet]:
    """Every page of ``pdf`` with its words and their boxes (``pdftotext -bbox``, one run)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    sheets = []
    for width, height, body in re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S
    ):
        words = tuple(
            Word(html.unescape(text), *map(float, box))
            for *box, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>",
                body,
            )
        )
        sheets.append(Sheet(float(width), float(height), words))
    return sheets


def directory_rows(sheets: list[Sheet]) -> dict[int, str]:
    """The 卷内目录 as printed in the volume: 序号 → 页号 ("" for an item without pages).

    A cell's words sit under its header (序号, 页号 are centred in their columns), and all
    cells of a row start on the same line (top-aligned), so a row is found by its 序号 and its
    页号 is the word under the 页号 header on that line.
    """
    rows: dict[int, str] = {}
    for sheet in sheets:
        headers = {w.text: w for w in sheet.words if w.text in ("序号", "页号")}
        assert set(headers) == {"序号", "页号"}, sheet.flat[:200]
        seq_col, page_col = headers["序号"], headers["页号"]
        half = (page_col.x1 - page_col.x0) * 1.2  # narrower than the column, wider than "12-15"
        for word in sheet.words:
            if not (word.y0 > seq_col.y1 and word.text.isdigit()):
                continue
            if abs(word.xc - seq_col.xc) > half:
                continue
            cells = [
                w.text
                for w in sheet.words
                if abs(w.y0 - word.y0) < 2 and abs(w.xc - page_col.xc) <= half
            ]
            assert len(cells) <= 1, (word.text, cells)
            seq = int(word.text)
            assert seq not in rows, f"第{seq}件 listed twice"
            rows[seq] = cells[0] if cells else ""
    return rows


def pdf_page_count(data: bytes, tmp_path: Path, name: str) -> int:
    path = tmp_path / name
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def check_volume(volume: Path, unit, page_rows: list[dict], tmp_path: Path) -> int:
    """The volume against the originals and the unit page; returns the number of item pages."""
    from sanxiang.core.blobstore import blob_read

    sheets = read_sheets(volume)
    stamps = [sheet.corner_numbers() for sheet in sheets]
    numbered = [i for i, found in enumerate(stamps) if found]
    assert numbered, "no page carries a number"
    first_item_sheet, last_item_sheet = numbered[0], numbered[-1]
    # Printed 1…N on consecutive sheets, one number each; cover, 卷内目录 and 备考表 carry none.
    assert numbered == list(range(first_item_sheet, last_item_sheet + 1)), stamps
    total = last_item_sheet - first_item_sheet + 1
    assert [found for found in stamps if found] == [[str(n)] for n in range(1, total + 1)], stamps
    front, back = sheets[:first_item_sheet], sheets[last_item_sheet + 1 :]
    cover, contents = front[0], front[1:]
    assert "立卷单位" in cover.flat and f"档号{unit.archival_code}" in cover.flat, cover.flat
    assert contents and all("卷内目录" in sheet.flat for sheet in contents)
    assert back and "卷内备考表" in back[0].flat
    assert f"共{total}页（页号第1页至第{total}页）" in back[0].flat, back[0].flat

    # Each document's pages are its original's pages, in order, each with only its number added.
    expected: dict[int, str] = {}
    printed = 0
    for item in unit.items.order_by("seq"):
        if item.kind == "recording" or not item.file_path:  # listed, kept apart, not printed
            expected[item.seq] = ""
            continue
        original = blob_read(item.file_path)
        count = pdf_page_count(original, tmp_path, f"original-{item.seq}.pdf")
        own = read_sheets(tmp_path / f"original-{item.seq}.pdf")
        assert len(own) == count
        first, last = printed + 1, printed + count
        expected[item.seq] = str(first) if first == last else f"{first}-{last}"
        for offset, source in enumerate(own):
            number = first + offset
            copy = sheets[first_item_sheet + number - 1]
            added = Counter(w.text for w in copy.words) - Counter(w.text for w in source.words)
            missing = Counter(w.text for w in source.words) - Counter(w.text for w in copy.words)
            assert not missing, (item.seq, number, missing)
            extra = [w for w in added if w != str(number) and not (item.voided and w in VOID)]
            assert not extra, (item.seq, number, added)
            assert source.flat, f"第{item.seq}件 page {offset + 1} has no text to compare"
        printed = last
    assert printed == total == unit.volume_pages, (printed, total, unit.volume_pages)

    # The 卷内目录 printed in the volume: every item, the real ranges, as on the unit page.
    in_volume = directory_rows(contents)
    assert in_volume == expected, (in_volume, expected)
    on_page = {int(r["seq"]): r["pages"].replace("–", "-").replace("—", "") for r in page_rows}
    assert on_page == expected, (on_page, expected)
    directory_text = "".join(sheet.flat for sheet in contents)
    for item in unit.items.all():
        for words in (item.title, item.doc_number):
            assert re.sub(r"\s+", "", words) in directory_text, words
    return total


def unit_rows(page) -> list[dict]:
    """The 卷内目录 table of the unit page."""
    rows = []
    for row in page.locator("table.archive-items tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        rows.append({"seq": cells[0], "number": cells[2], "title": cells[4], "pages": cells[6]})
    return rows


def verify_bag_offline(bag_dir: Path, keys: Path) -> subprocess.CompletedProcess:
    """``sanxiang-verify bag --key KEYS BAG`` as a user runs it on an offline machine: the
    system Python in isolated mode (no site packages: the standard library only), sockets
    refused."""
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    return subprocess.run(
        [python, "-I", "-c", OFFLINE_VERIFY, str(VERIFY), "bag", "--key", str(keys), str(bag_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def file_and_hand_over(*, page, head_page, case, case_url: str, output_dir: Path, tmp_path):
    """From the walk's closed case to a filed unit, its volume read back and its bag verified."""
    from sanxiang.archive.models import ArchiveUnit, UnitStatus
    from sanxiang.documents.models import Document
    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.testing.browser import login
    from tests.browser.test_case_walk import step

    # 1. The officer hands the case file over; the archive assembles the draft unit.
    page.goto(case_url)
    step(page, "整理完毕，待归档")
    assert "待归档" in page.inner_text("h1")
    unit = ArchiveUnit.objects.get(case=case)
    issued = set(Document.objects.values_list("number__text", flat=True))
    assert len(issued) >= 8, issued  # plan … closure: what the walk issued
    listed = set(unit.items.filter(kind="document").values_list("doc_number", flat=True))
    assert listed == issued, listed ^ issued
    assert unit.items.filter(kind="recording").count() == 1  # the notice, recorded in full

    # 2. The custodian finds it in the archive, sees every document, and submits it.
    page.click("header form button:has-text('退出')")
    page.wait_for_selector("#id_username")
    login(page, "custodian_web")
    page.goto(page.base_url + "/archive/")
    page.click(f"text={unit.title}")
    page.wait_for_selector("h2:has-text('卷内目录')")
    shown = {r["number"] for r in unit_rows(page)}
    assert issued <= shown, issued - shown
    page.click("section[aria-label='办理'] a:has-text('提交归档')")
    page.click("button.primary")
    page.wait_for_selector("text=待审批")
    assert page.locator("#check + p .badge.ok").count() == 1  # 四性检测 通过
    assert not page.locator("#check ~ ul .badge.bad").count()

    # 3. The head approves (批准归档): the 档号 is taken and shown.
    head_page.goto(page.url)
    head_page.click("section[aria-label='办理'] a:has-text('批准归档')")
    head_page.click("button.primary")
    head_page.wait_for_selector("#archival-code")
    code = head_page.inner_text("#archival-code")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.FILED and code == unit.archival_code != ""

    # 4. The custodian sees the 档号, opens the volume (查看案卷PDF): read back against the
    # originals, its printed 卷内目录 against the pages and the unit page.
    page.reload()
    assert page.inner_text("#archival-code") == code
    rows = unit_rows(page)
    assert [r["seq"] for r in rows] == [str(n) for n in range(1, unit.items.count() + 1)]
    href = page.get_attribute("#volume-pdf", "href")
    volume = output_dir / "volume.pdf"
    volume.write_bytes(page.request.get(page.base_url + href).body())
    pages = check_volume(volume, unit, rows, tmp_path)
    page.screenshot(path=str(output_dir / "filed_unit.png"), full_page=True)

    # 5. The transfer package (导出移交包): one tar, a valid bag, verified offline.
    with page.expect_download() as download:
        page.click("#export-bag")
    tar_path = tmp_path / download.value.suggested_filename
    download.value.save_as(tar_path)
    assert tar_path.name == f"{code}.tar"
    with tarfile.open(tar_path, "r:") as tar:
        tar.extractall(tmp_path / "out", filter="data")
    (bag_dir,) = (tmp_path / "out").iterdir()
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    payload = {Path(p).name for p in bag.payload_files()}
    assert any(name.endswith(".mp4") for name in payload), payload  # the recording itself
    keys = tmp_path / "published-keys.txt"
    keys.write_bytes(page.request.get(page.base_url + "/transparency/keys.txt").body())
    verified = verify_bag_offline(bag_dir, keys)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # A changed byte in the bag is what the offline verifier is for: it must say no.
    target = next(p for p in sorted((bag_dir / "data").rglob("*.pdf")))
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    assert verify_bag_offline(bag_dir, keys).returncode == 1
    assert LedgerEntry.objects.filter(action="archive.export", object_id=str(unit.pk)).exists()
    grounds = [e.body for e in LedgerEntry.objects.filter(action="recording.download")]
    assert any(f"export:{code}" in body for body in grounds)
    return unit, pages
