"""The case of the full case walk filed and handed over in Chromium (issue 14 acceptance):
the draft unit appears, its 卷内目录 lists every document with the page numbers the volume PDF
really has (read back with pdftotext), the check passes, the custodian submits, the head
approves with his second factor, the 档号 is shown, and the exported bag validates with bagit
and with ``sanxiang-verify bag --key`` (the published key, fetched from /transparency/) offline.

The case itself is built through the services the walk uses (``archive/tests/conftest.py``:
plan, inspection, filing, inquiry, notice with its recording, decision, service, payment,
closure, 待归档) — the walk's own browser steps are tested in ``test_case_walk.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import bagit
import pytest

from sanxiang.archive.models import ArchiveUnit, UnitStatus
from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalog
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VERIFY = ROOT / "tools" / "sanxiang_verify.py"


@pytest.fixture
def filed_case(transactional_db, monkeypatch):
    from sanxiang.archive.tests.checks_world import real_mp4
    from sanxiang.archive.tests.conftest import closed_case

    # The walk's recordings are real (tiny) MP4s: the usability check probes them with ffprobe.
    fake_recording = factories.recording
    monkeypatch.setattr(
        factories,
        "recording",
        lambda **kw: fake_recording(**{"data": real_mp4(kw.get("filename") or ""), **kw}),
    )

    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    load_sample_catalog(
        kind=CatalogKind.RETENTION_SCHEDULE,
        agency=provincial,
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        **factories.catalog_team(agency=provincial),
    )
    team = {
        "officer": factories.officer(agency=sub, username="officer_arc", full_name="李明"),
        "partner": factories.officer(agency=sub, username="partner_arc", full_name="王强"),
        "head": factories.head(agency=sub, username="head_arc", full_name="赵局长"),
        "custodian": factories.custodian(agency=sub, username="custodian_arc", full_name="钱档案"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
    }
    case = closed_case(team, [team["officer"], team["partner"]])
    return case, team


def _pdf_page_text(pdf: Path, number: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return re.sub(r"\s+", "", out.stdout)


def _printed_numbers(pdf: Path, total: int) -> dict[int, int]:
    """The page number printed at the lower right of each page → the physical page (the cover
    and the 卷内目录 carry none)."""
    printed = {}
    for physical in range(1, total + 1):
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(physical), "-l", str(physical), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        if lines and re.fullmatch(r"\d+", lines[-1].split()[-1]):
            printed[int(lines[-1].split()[-1])] = physical
    return printed


def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def _rows(page) -> list[dict]:
    rows = []
    for row in page.locator("table.archive-items tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        rows.append({"seq": cells[0], "number": cells[2], "title": cells[4], "pages": cells[6]})
    return rows


def test_file_and_export_the_walked_case(page, chromium, live_server, filed_case, tmp_path):
    case, _team = filed_case
    unit = ArchiveUnit.objects.get(case=case)
    documents = unit.items.filter(kind="document", voided=False).count()
    assert documents >= 5

    # 1. The custodian finds the draft unit in the archive and submits it (提交归档).
    login(page, "custodian_arc")
    page.goto(live_server.url + "/archive/")
    page.click(f"text={unit.title}")
    page.wait_for_selector("h1:has-text('卷内目录'), h2:has-text('卷内目录')")
    page.click("section[aria-label='办理'] a:has-text('提交归档')")
    page.click("button.primary")
    page.wait_for_selector("text=待审批")

    # 2. The check passed; every document is listed with its pages.
    assert page.locator("#check + p .badge.ok").count() == 1
    rows = _rows(page)
    assert len(rows) == unit.items.count()
    assert [r["seq"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]

    # 3. The volume PDF (查看案卷PDF): each document starts on the page the 卷内目录 says.
    href = page.get_attribute("#volume-pdf", "href")
    volume = tmp_path / "volume.pdf"
    volume.write_bytes(page.request.get(live_server.url + href).body())
    total = _pdf_pages(volume)
    printed = _printed_numbers(volume, total)
    last = 0
    for item, row in zip(unit.items.order_by("seq"), rows, strict=True):
        if item.kind != "document" or item.voided:
            continue
        first, _sep, end = row["pages"].partition("–")
        first, end = int(first), int(end or first)
        assert first == last + 1 or last == 0, (row, last)  # no gap between documents
        text = _pdf_page_text(volume, printed[first])
        mark = re.sub(r"\s+", "", item.doc_number or item.title)
        assert mark[:12] in text, (row, printed, text[:300])
        last = end
    assert last == max(printed) or last < max(printed)
    front = [_pdf_page_text(volume, n) for n in range(1, min(printed.values()))]
    toc = "".join(text for text in front if "卷内目录" in text)
    for row in rows:  # the volume's own 卷内目录 lists every item (cells may wrap: a prefix)
        assert re.sub(r"\s+", "", row["title"])[:4] in toc, (row, toc)

    # 4. The head approves (批准归档) — signed in with his second factor — and the 档号 shows.
    head_context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    head = head_context.new_page()
    head.base_url = live_server.url
    login(head, "head_arc")
    head.goto(page.url)
    head.click("section[aria-label='办理'] a:has-text('批准归档')")
    head.click("button.primary")
    head.wait_for_selector("#archival-code")
    code = head.inner_text("#archival-code")
    head_context.close()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.FILED and code == unit.archival_code

    # 5. The custodian exports the package (导出移交包): one tar, a valid bag, verified offline.
    page.reload()
    assert page.inner_text("#archival-code") == code
    with page.expect_download() as download:
        page.click("#export-bag")
    tar_path = tmp_path / download.value.suggested_filename
    download.value.save_as(tar_path)
    assert tar_path.name == f"{code}.tar"
    with tarfile.open(tar_path, "r:") as tar:
        tar.extractall(tmp_path / "out", filter="data")
    (bag_dir,) = (tmp_path / "out").iterdir()
    bagit.Bag(str(bag_dir)).validate()
    keys = tmp_path / "published-keys.txt"
    keys.write_bytes(page.request.get(live_server.url + "/transparency/keys.txt").body())
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    verified = subprocess.run(
        [python, "-I", str(VERIFY), "bag", "--key", str(keys), str(bag_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # The export is in the ledger with the bag's file list; the recordings streamed into it
    # are downloads with the export as their ground.
    assert LedgerEntry.objects.filter(action="archive.export", object_id=str(unit.pk)).exists()
    grounds = [
        e.body for e in LedgerEntry.objects.filter(action="recording.download").order_by("seq")
    ]
    assert any(f"export:{code}" in body for body in grounds)
