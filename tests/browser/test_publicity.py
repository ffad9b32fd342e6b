"""Result publication end to end in Chromium (GS-POST-1, GS-POST-2, GS-REQ-2).

A penalty decision on an individual whose facts hold an ID number, a mobile number, an address
and another person's name → the draft appears with its 7-working-day due date → the editor sees
the redactions side by side and confirms → a legal reviewer reviews → the head approves → the
record is found by a two-character search and on the mine's page, with JavaScript off, and none
of the personal data is in the page, the open data (CSV, JSON, XLSX) or the Atom feed. Then the
decision is revoked: the head withdraws the record, which leaves search, feed and open data; its
URL shows the tombstone; the ledger holds the withdrawal; the footer shows the signed checkpoint.
"""

from __future__ import annotations

import io
import random
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanxiang.core.workdays import add_working_days
from sanxiang.demo.identities import id_card
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import checkpoint_sign
from sanxiang.publicity.models import Publication
from sanxiang.testing import factories
from sanxiang.testing.browser import LOCAL_HOSTS
from sanxiang.testing.browser import login as shared_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13912345678"
ADDRESS = "山西省太原市小店区平阳路88号2单元301室"
OTHER_PERSON = "李四光"


@pytest.fixture
def world(transactional_db):
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    mine = factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿", division_code="140105")
    person = factories.person(
        agency=sub,
        name="张三丰",
        id_number=id_card(random.Random(5), "140105"),
        phone=MOBILE,
        address=ADDRESS,
        employer=mine,
    )
    officers = [
        factories.officer(agency=sub, full_name="李明"),
        factories.officer(agency=sub, full_name="王强"),
    ]
    head = factories.head(agency=sub, username="head_web", full_name="赵局长")
    editor = factories.staff(
        agency=sub, roles=["publicity_editor"], username="editor_web", full_name="公示编辑"
    )
    factories.staff(
        agency=sub,
        roles=["legal_reviewer"],
        username="reviewer_web",
        full_name="审核员",
        has_legal_qualification=True,
    )
    facts = (
        f"经查，当事人张三丰（居民身份证号码{person.id_number}，联系电话{MOBILE}，住址：{ADDRESS}）"
        f"系该矿井下作业人员，未经安全生产教育和培训即上岗作业，并指使工人{OTHER_PERSON}违章进入采空区。"
    )
    case = factories.decided_case(
        officers=officers, head=head, mine=mine, person=person, facts=facts
    )
    return {
        "case": case,
        "mine": mine,
        "person": person,
        "editor": editor,
        "head": head,
        "secrets": [person.id_number, MOBILE, ADDRESS, "平阳路88号", OTHER_PERSON],
    }


def login(page, username: str) -> None:
    shared_login(page, username)


def logout(page) -> None:
    page.click("header form button:has-text('退出')")
    page.wait_for_selector("#id_username")


@pytest.fixture
def public_page(chromium, live_server):
    """The public visitor: JavaScript off, and no request may leave 127.0.0.1."""
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    visitor = context.new_page()
    visitor.set_default_timeout(15000)
    external: list[str] = []
    visitor.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not r.url.startswith(("data:", "blob:", "about:"))
            and (urlparse(r.url).hostname or "") not in LOCAL_HOSTS
            else None
        ),
    )
    visitor.base_url = live_server.url
    yield visitor
    context.close()
    assert not external, f"requests left 127.0.0.1: {external}"


def _downloads(visitor) -> dict[str, str]:
    """Feed, CSV, JSON and XLSX as text (every cell of the workbook)."""
    from openpyxl import load_workbook

    out = {}
    for name in ("results/feed.atom", "data/results/penalty.csv", "data/results/penalty.json"):
        response = visitor.request.get(f"{visitor.base_url}/public/{name}")
        assert response.status == 200, name
        out[name] = response.body().decode("utf-8-sig")
    response = visitor.request.get(f"{visitor.base_url}/public/data/results/penalty.xlsx")
    assert response.status == 200
    book = load_workbook(io.BytesIO(response.body()), read_only=True)
    out["xlsx"] = "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    )
    return out


def test_penalty_on_an_individual_is_redacted_approved_published_and_withdrawn(
    page, public_page, world, output_dir
):
    case = world["case"]
    publication = Publication.objects.get(source_type="cases.case", source_id=str(case.pk))
    expected_due = add_working_days(case.decided_on, 7).date

    # --- the editor: draft with its due date, redactions side by side, confirm -----------------
    login(page, "editor_web")
    assert "执法结果公示" in page.inner_text("#publicity-panel")
    page.click("nav >> text=执法公示")
    expect(page.locator("table")).to_contain_text(publication.title)
    assert expected_due.isoformat() in page.inner_text("table")
    page.click(f"text={publication.title}")
    expect(page.locator("#due-on")).to_contain_text(expected_due.isoformat())
    diff = page.locator("table.diff")
    withheld = [t.strip() for t in diff.locator("mark.withheld").all_inner_texts()]
    assert world["person"].id_number in withheld and MOBILE in withheld and ADDRESS in withheld
    assert OTHER_PERSON in withheld
    public_column = "\n".join(diff.locator("tr td:nth-child(3)").all_inner_texts())
    assert not [s for s in world["secrets"] if s in public_column]
    assert "〔身份证号码已隐去〕" in public_column and "李某某" in public_column
    page.screenshot(path=str(output_dir / "editor_redaction.png"), full_page=True)
    page.click("#action-confirm button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("请核对原文与公开文本后勾选确认")
    page.check("#action-confirm input[name=confirm-confirmed]")
    page.click("#action-confirm button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已确认区分处理")
    logout(page)

    # --- a legal reviewer reviews; the head approves, which publishes ----------------------------
    login(page, "reviewer_web")
    page.goto(f"{page.base_url}/publicity/{publication.pk}/")
    page.click("#action-review button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("审查通过")
    logout(page)
    login(page, "head_web")
    page.goto(f"{page.base_url}/publicity/{publication.pk}/")
    page.click("#action-approve button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已批准并公布")
    checkpoint = checkpoint_sign()

    # --- the public, with JavaScript off: search (two characters), record, mine page ---------------
    visitor = public_page
    visitor.goto(visitor.base_url + "/public/")
    with visitor.expect_navigation():
        visitor.click("nav >> text=结果公示")
    visitor.fill("input[name=q]", "培训")
    visitor.click("form.filters button")
    expect(visitor.locator("#result-count")).to_contain_text("共 1 条结果")
    visitor.click("table.results >> text=张三丰")
    expect(visitor.locator("main")).to_contain_text(case.decision_document.number.text)
    body = visitor.content()
    assert case.decision_document.number.text in body
    assert not [s for s in world["secrets"] if s in body]
    assert "区分处理说明" in body and "〔身份证号码已隐去〕" in body
    footer = visitor.inner_text("#checkpoint")
    assert f"记录 {checkpoint.tree_size} 条" in footer
    visitor.screenshot(path=str(output_dir / "public_record.png"), full_page=True)
    visitor.goto(f"{visitor.base_url}/public/mines/{world['mine'].pk}/")
    assert "张三丰" in visitor.inner_text("table.results")
    assert not [s for s in world["secrets"] if s in visitor.content()]
    visitor.screenshot(path=str(output_dir / "mine_page.png"), full_page=True)
    number = case.decision_document.number.text
    for name, text in _downloads(visitor).items():
        assert number in text, name
        assert not [s for s in world["secrets"] if s in text], name

    # --- the decision is revoked: the head withdraws it ------------------------------------------
    page.goto(f"{page.base_url}/publicity/{publication.pk}/")
    page.select_option("#action-withdraw select[name=withdraw-reason_kind]", "revoked")
    page.fill(
        "#action-withdraw input[name=withdraw-basis]", "测试省人民政府行政复议决定书〔2026〕1号"
    )
    page.fill("#action-withdraw textarea[name=withdraw-reason]", "原行政处罚决定经行政复议被撤销。")
    page.click("#action-withdraw button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已撤下")
    page.screenshot(path=str(output_dir / "head_withdrawn.png"), full_page=True)

    response = visitor.goto(f"{visitor.base_url}/public/results/?q=培训")
    assert "共 0 条结果" in visitor.inner_text("#result-count")
    response = visitor.goto(f"{visitor.base_url}/public/results/{publication.pk}/")
    assert response.status == 410
    tombstone = visitor.inner_text(".tombstone")
    assert "已于" in tombstone and "撤下" in tombstone and "经行政复议被撤销" in tombstone
    assert "赵局长" in tombstone and "决定被依法撤销" in tombstone
    visitor.screenshot(path=str(output_dir / "tombstone.png"), full_page=True)
    visitor.goto(f"{visitor.base_url}/public/mines/{world['mine'].pk}/")
    assert "撤下" in visitor.inner_text("tr.tombstone-row")
    for name, text in _downloads(visitor).items():
        assert number not in text, name
    entry = LedgerEntry.objects.get(
        object_type="publicity.publication",
        object_id=str(publication.pk),
        action="publication.withdraw",
    )
    assert entry.recorded_at.date() <= timezone.now().date()
