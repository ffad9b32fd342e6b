"""One full penalty case in Chromium, as an officer and a head would do it: plan → on-site
inspection with a finding from the compendium → filing → notice → decision → service →
payment → closure; the decision PDF is downloaded and its text read back in Chinese; every
document the walk issued is then checked as a verifier would (signed, valid under the agency
CA, the signer named, in the ledger, one changed byte reported, the seal's place — issue 18).

The same case is then filed in the archive and handed over (issue 14: ``archive_filing.py``):
handed to the archive, submitted by the custodian, approved by the head, its volume read back
page by page and its bag verified offline. One test, so the walk runs once."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.cases.workflow import CaseStatus
from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalog
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories
from sanxiang.testing.browser import login as shared_login
from tests.browser.archive_filing import file_and_hand_over

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db, monkeypatch):
    from sanxiang.archive.tests.checks_world import real_mp4

    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    load_sample_catalog(  # the archive's retention schedule (示例), for filing the case
        kind=CatalogKind.RETENTION_SCHEDULE,
        agency=provincial,
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        **factories.catalog_team(agency=provincial),
    )
    # The notice recording is a real (tiny) MP4: the archive's check probes it with ffprobe.
    stand_in = factories.recording
    monkeypatch.setattr(
        factories,
        "recording",
        lambda **kw: stand_in(**{"data": real_mp4(kw.get("title") or ""), **kw}),
    )
    return {
        "officer": factories.officer(agency=sub, username="officer_web", full_name="李明"),
        "partner": factories.officer(agency=sub, username="partner_web", full_name="王强"),
        "head": factories.head(agency=sub, username="head_web", full_name="赵局长"),
        "custodian": factories.custodian(agency=sub, username="custodian_web", full_name="钱档案"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
    }


@pytest.fixture
def head_page(chromium, live_server):
    """A second browser context for the head, checked for external requests like ``page``."""
    from urllib.parse import urlparse

    from sanxiang.testing.browser import LOCAL_HOSTS

    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not r.url.startswith(("data:", "blob:", "about:"))
            and (urlparse(r.url).hostname or "") not in LOCAL_HOSTS
            else None
        ),
    )
    page.base_url = live_server.url
    yield page
    context.close()
    assert not external, f"requests left 127.0.0.1: {external}"


def login(page, username: str) -> None:
    shared_login(page, username)


def step(page, label: str, fill=None) -> None:
    """Press a step button of the case page; its form opens in place (htmx); submit it."""
    page.locator("section[aria-label='办理'] a", has_text=label).first.click()
    page.wait_for_selector("#action-panel form")
    if fill:
        fill(page)
    with page.expect_navigation():
        page.click("#action-panel button.primary")
    errors = page.locator(".errorlist, .messages .error")
    assert not errors.count(), errors.all_inner_texts()


def test_full_penalty_case_in_the_browser(page, head_page, people, output_dir, tmp_path, settings):
    settings.SANXIANG_SIGNING_TIMESTAMP = True  # PAdES B-LT, as deployed (ADR 0200)
    officer, partner = people["officer"], people["partner"]
    today = timezone.localdate()
    login(page, "officer_web")
    login(head_page, "head_web")

    # 1. The inspection plan, approved by the head (JL-TXT-3a).
    page.click("nav >> text=我的检查")
    page.click("text=制作检查方案")
    page.select_option("#id_mine", label="测试省安泰煤业有限公司泰安煤矿")
    page.check("input[name=item_codes][value='SJ-003']")
    page.fill("#id_content", "重点检查从业人员安全生产教育和培训情况。")
    for name in (officer.full_name, partner.full_name):  # the searchable people picker
        page.fill("#id_officers-ts-control", name[:1])
        page.locator("#id_officers-ts-dropdown .option", has_text=name).click()
    page.fill("#id_planned_start", today.isoformat())
    page.fill("#id_planned_end", (today + timezone.timedelta(days=7)).isoformat())
    page.click("button.primary")
    page.wait_for_selector("text=已制作检查方案。")
    plan_url = page.url
    page.click("button:has-text('提交审批')")
    page.wait_for_selector("text=已提交负责人审批。")
    head_page.goto(plan_url)
    head_page.click("a.button:has-text('批准')")
    head_page.click("button.primary")
    head_page.wait_for_selector("text=已批准检查方案")

    # 2. The on-site inspection with a finding from the compendium (GS-MID-1, JL-TXT-3c).
    page.goto(plan_url)
    page.click("text=开始现场检查")
    page.fill("#id_location", "井下3号采煤工作面")
    page.check("#id_identity_shown")
    page.click("button.primary")
    page.wait_for_selector("text=已开始现场检查。")
    page.click("text=记录发现的问题")
    page.fill("#compendium-q", "培训")  # htmx searches as one types
    page.wait_for_selector("#compendium-results >> text=WF-002", state="detached")
    page.screenshot(path=str(output_dir / "compendium_search.png"), full_page=True)
    page.locator(".compendium-entry", has_text="WF-001").locator("text=选用").click()
    page.fill("#id_facts", "抽查3名井下作业人员，均无安全生产教育和培训记录。")
    page.click("button.primary")
    page.wait_for_selector("text=已记录检查发现的问题。")
    page.click("text=结束检查")
    page.fill("#id_summary", "检查了通风系统和安全培训情况，发现问题1项。")
    page.click("button.primary")
    page.wait_for_selector("text=已结束现场检查")
    page.screenshot(path=str(output_dir / "inspection.png"), full_page=True)

    # 3. Filing, approved by the head.
    page.click("text=提请立案")
    page.fill("#id_cause", "测试省安泰煤业有限公司泰安煤矿未按规定开展安全培训案")
    page.click("button.primary")
    page.wait_for_selector("text=已提请立案")
    case_url = page.url
    case = Case.objects.get()
    head_page.goto(case_url)
    step(head_page, "批准立案")

    # 4. Report, approval, prior notice (recorded in full, JL-AV-2), waiver.
    page.goto(case_url)

    def report(p):
        p.fill("#id_fine_amount", "10000")
        p.fill("#id_decision_text", "对该矿处以罚款人民币1万元。")

    step(page, "案件处理呈报", report)
    head_page.goto(case_url)
    step(head_page, "负责人批准拟处理意见")
    factories.notice_recording(case=case, actor=officer)
    page.goto(case_url)
    step(page, "告知")
    page.screenshot(path=str(output_dir / "notified.png"), full_page=True)
    assert "陈述申辩期限" in page.content()

    def waiver(p):
        p.select_option("#id_kind", "waiver")
        p.fill("#id_content_text", "当事人书面表示放弃陈述、申辩和听证。")

    step(page, "记录陈述、申辩或放弃", waiver)
    step(page, "陈述申辩期满或当事人放弃")

    # 5. Decision (not major), service, payment, closure.
    head_page.goto(case_url)
    step(head_page, "作出行政处罚决定")
    page.goto(case_url)

    def serve(p):  # 直接送达: the servers show their certificates (GS-MID-1, ADR 0231)
        p.fill("#id_recipient", "张矿长")
        p.check("#id_identity_shown")

    step(page, "送达", serve)
    step(page, "登记缴款", lambda p: p.fill("#id_reference", "POS-20260001"))
    assert "已履行" in page.inner_text("h1")
    head_page.goto(case_url)
    step(head_page, "结案", lambda p: p.fill("#id_summary", "罚款已缴清，各环节文书齐全。"))
    assert "已结案" in head_page.inner_text("h1")
    assert "缺失" not in head_page.inner_text("table.checklist")
    head_page.screenshot(path=str(output_dir / "closed_case.png"), full_page=True)

    # 6. The decision PDF, downloaded through the access-checked view.
    page.goto(case_url)
    row = page.locator("tr", has_text="行政处罚决定书").filter(has_text="煤安罚")
    with page.expect_download() as download_info:
        row.locator("a", has_text="下载").click()
    path = tmp_path / "decision.pdf"
    download_info.value.save_as(path)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    number = case.decision_document.number.text
    if shutil.which("pdftotext"):
        raw = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:  # pragma: no cover - poppler is a system dependency of the suite
        from pypdf import PdfReader

        raw = "".join(p.extract_text() for p in PdfReader(path).pages)
    text = re.sub(r"\s", "", raw)
    assert "□" not in raw and "\ufffd" not in raw
    for expected in (
        number,
        "测试省安泰煤业有限公司泰安煤矿",  # the party
        "抽查3名井下作业人员，均无安全生产教育和培训记录",  # the facts
        "《中华人民共和国安全生产法》第二十八条",  # the legal basis
        "《中华人民共和国安全生产法》第九十七条",
        "罚款人民币10,000.00元",
    ):
        assert expected in text, expected
    assert verify_ledger().ok

    # 7. Every document the walk issued: signed, valid under the agency CA with the signer
    # named, found by the ledger, one changed byte reported by both, the seal in its place.
    from sanxiang.core.blobstore import blob_read
    from sanxiang.documents.models import Document
    from sanxiang.testing.signed_documents import check_all

    assert path.read_bytes() == blob_read(case.decision_document.pdf_path)
    issued = Document.objects.select_related("number", "agency", "issued_by").order_by("pk")
    count, problems = check_all(issued)
    assert count >= 2 and not problems, problems
    kinds = {d.title for d in issued}
    assert "行政处罚决定书" in kinds, kinds

    # 8. The archive (issue 14): the case handed over, filed, its volume and bag checked.
    file_and_hand_over(
        page=page,
        head_page=head_page,
        case=case,
        case_url=case_url,
        output_dir=output_dir,
        tmp_path=tmp_path,
    )
