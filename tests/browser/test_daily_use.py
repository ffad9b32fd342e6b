"""Daily use without friction (issue 13, items 2 and 6), in Chromium:

- evidence uploaded from the case page is linked to the case without typing a reference;
- officers are picked by typing part of a name (a searchable multi-select), not ctrl-click;
- a retrieval request starts from the recording; the custodian sees it first on the home page and
  answers with a button that says what it does (批准 / 不予批准);
- the head sees what waits for his approval, and reads the decision (a PDF preview) before
  作出行政处罚决定; the officer's dashboard names the real next step of a case (送法制审核);
- the main pages of every role — anonymous portal visitors and the mine's own account too —
  pass axe-core without a serious or critical violation, the
  statistics tables fit their page, and no button of an approval says 保存.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from sanxiang.cases.models import Case
from sanxiang.cases.workflow import CaseStatus
from sanxiang.evidence.models import Recording, RetrievalRequest, RetrievalStatus
from sanxiang.inspections.models import InspectionPlan
from sanxiang.testing import factories
from sanxiang.testing.browser import login as shared_login
from tests.browser.axe import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def world(transactional_db):
    national = factories.agency(name="国家局（日常使用测试）", short="国")
    provincial = factories.agency(parent=national, name="日常测试省局", short="日")
    sub = factories.agency(parent=provincial, name="日常测试省局甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    officer = factories.officer(agency=sub, username="officer_d", full_name="李承办")
    partner = factories.officer(agency=sub, username="partner_d", full_name="王协办")
    colleague = factories.officer(agency=sub, username="colleague_d", full_name="周同事")
    head = factories.head(agency=sub, username="head_d", full_name="赵局长")
    factories.custodian(agency=sub, username="custodian_d", full_name="钱保管")
    factories.legal_reviewer(agency=sub, username="reviewer_d", full_name="孙审核")
    factories.staff(agency=sub, roles=["publicity_editor"], username="editor_d", full_name="吴编辑")
    factories.staff(agency=sub, roles=["system_admin"], username="sysadmin_d", full_name="郑管理")
    mine = factories.mine(agency=sub, name="日常测试煤业有限公司一号煤矿")
    second = factories.mine(agency=sub, name="日常测试煤业有限公司二号煤矿")
    # A major case at “pending decision” with no review yet: its next step is 送法制审核.
    major = factories.major_case(officers=[officer, partner], mine=mine, head=head)
    # A plain case at “pending decision”: the head may decide it.
    plain = factories.filed_case(officers=[officer, partner], mine=second, head=head)
    plain = factories.case_to_decision(case=plain, officer=officer, head=head, fine="10000")
    # A plan waiting for the head's approval.
    waiting = factories.inspection_plan(
        officers=[officer, partner], mine=second, head=head, approved=False
    )
    from sanxiang.inspections import services as inspections

    inspections.inspection_plan_submit(actor=officer, plan=waiting)
    return {
        "officer": officer,
        "partner": partner,
        "colleague": colleague,
        "head": head,
        "mine": mine,
        "major": major,
        "plain": plain,
        "waiting_plan": waiting,
    }


def login(page, username: str) -> None:
    page.context.clear_cookies()
    shared_login(page, username)  # the password, then the authenticator's code where needed


def pick(page, select_id: str, typed: str, name: str) -> None:
    """Type part of a name into the searchable picker of ``select_id`` and choose the person."""
    box = page.locator(f"#{select_id}-ts-control")
    box.fill(typed)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=name).click()
    page.wait_for_selector(f"#{select_id}-ts-control >> xpath=.. >> .item:has-text('{name}')")


def test_evidence_from_the_case_page_is_linked_to_the_case(page, world, tmp_path):
    case = world["major"]
    login(page, "officer_d")
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    page.click("#upload-evidence")  # the browser upload page (tus, ADR 0090)
    page.wait_for_selector("#upload-subject")
    assert page.get_attribute("#upload-form", "data-subject") == f"cases.case:{case.pk}"
    assert case.cause in page.inner_text("#upload-subject")
    assert "cases.case" not in page.inner_text("main")
    image = tmp_path / "现场照片.png"
    image.write_bytes(PNG)
    page.set_input_files("#upload-input", str(image))
    page.fill("tr.upload-row input.title", "现场照片（测试）")
    pick(page, "id_officers", "王", "王协办")
    page.click("#upload-start")
    page.wait_for_selector("tr.upload-row[data-state=done]", timeout=60_000)
    recording = Recording.objects.get(title="现场照片（测试）")
    page.click("tr.upload-row .receipt a")  # "查看记录"
    page.wait_for_url(f"**/evidence/recordings/{recording.pk}/")
    assert (recording.subject_type, recording.subject_id) == ("cases.case", str(case.pk))
    assert list(recording.officers.values_list("username", flat=True)) == ["partner_d"]
    link = page.locator("dd a", has_text=case.cause)
    assert link.get_attribute("href") == f"/cases/{case.pk}/"


def test_officers_are_picked_by_typing_a_name(page, world):
    login(page, "officer_d")
    page.goto(page.base_url + "/inspections/plans/new/")
    assert page.get_attribute("#id_officers", "multiple") is not None
    page.select_option("#id_mine", label="日常测试煤业有限公司一号煤矿")
    page.check("input[name=item_codes][value='SJ-003']")
    page.fill("#id_content", "检查从业人员安全培训（测试）。")
    pick(page, "id_officers", "李", "李承办")
    pick(page, "id_officers", "partner", "王协办")
    page.fill("#id_planned_start", "2026-12-08")
    page.fill("#id_planned_end", "2026-12-18")
    with page.expect_navigation():
        page.click("button.primary")
    page.wait_for_selector("text=已制作检查方案。")
    plan = InspectionPlan.objects.get(content="检查从业人员安全培训（测试）。")
    assert set(plan.officers.values_list("username", flat=True)) == {"officer_d", "partner_d"}


def test_retrieval_starts_from_the_recording_and_the_custodian_answers_it(page, world):
    recording = factories.recording(actor=world["officer"], title="查封现场全程记录（测试）")
    login(page, "colleague_d")
    page.goto(f"{page.base_url}/evidence/recordings/{recording.pk}/")
    page.click(f"a[href$='/evidence/retrievals/new/?recording={recording.pk}']")
    expect(page.locator("h1")).to_contain_text(recording.number)
    assert page.locator("#id_recording").get_attribute("type") == "hidden"
    page.fill("#id_purpose", "案卷评查需要查看（测试）")
    with page.expect_navigation():
        page.click("button:has-text('提交调阅申请')")
    page.wait_for_selector("text=已提交调阅申请")
    retrieval = RetrievalRequest.objects.get(requester__username="colleague_d")
    assert retrieval.number == recording.number

    login(page, "custodian_d")
    panel = page.locator("#my-custody")
    assert "周同事 调阅 " + recording.number in panel.inner_text()
    panel.locator("a", has_text=recording.number).click()
    page.wait_for_selector("h1")
    buttons = page.locator("main form button").all_inner_texts()
    assert buttons == ["批准", "不予批准"]
    with page.expect_navigation():
        page.click("main form button:has-text('批准')")
    retrieval.refresh_from_db()
    assert retrieval.status == RetrievalStatus.APPROVED


def second_mine_name(world) -> str:
    return world["plain"].mine.name


def test_head_sees_his_approvals_and_reads_the_decision_before_deciding(page, world, output_dir):
    plain = world["plain"]
    login(page, "head_d")
    approvals = page.locator("#my-approvals")
    assert "检查方案待批准" in approvals.inner_text()
    assert str(world["waiting_plan"]) in approvals.inner_text()

    page.goto(f"{page.base_url}/inspections/plans/{world['waiting_plan'].pk}/approve/")
    assert page.locator("main form button.primary").inner_text() == "批准"
    page.goto(f"{page.base_url}/inspections/plans/{world['waiting_plan'].pk}/return/")
    assert page.locator("main form button.primary").inner_text() == "退回"

    page.goto(f"{page.base_url}/cases/{plain.pk}/do/decide/")
    # The decision text is in the page, before the button…
    frame = page.frame_locator("iframe.pdf-preview")
    assert "行政处罚决定书" in frame.locator("body").inner_text().replace(" ", "")
    assert "预览稿" in frame.locator("body").inner_text()
    assert second_mine_name(world) in frame.locator("body").inner_text()
    # …and the PDF that will be issued opens from the link.
    preview_url = page.get_attribute("#decision-preview-link", "href")
    response = page.request.get(page.base_url + preview_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = output_dir / "decision-preview.pdf"
    pdf.write_bytes(response.body())
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "行政处罚决定书" in text.replace(" ", "") and "预览稿" in text
        assert "10000" in text.replace(",", "") or "壹万" in text or "1万" in text
    assert page.locator("main form button.primary").inner_text() == "作出行政处罚决定"
    # The decision PDF is rendered for real; wait for the answer, not for every frame to load.
    with page.expect_navigation(timeout=90000, wait_until="commit"):
        page.click("main form button.primary")
    page.wait_for_selector("text=已办理：作出行政处罚决定")
    assert Case.objects.get(pk=plain.pk).status == CaseStatus.DECIDED


def test_dashboard_offers_the_real_next_step(page, world):
    major = world["major"]
    login(page, "officer_d")
    row = page.locator("li.case-next", has_text=major.cause)
    assert row.locator("a.next-step").inner_text() == "送法制审核"
    assert "补充调查" not in row.inner_text()
    row.locator("a.next-step").click()
    page.wait_for_selector("h1")
    assert "送法制审核" in page.inner_text("h1")


MAIN_PAGES = {
    "officer_d": ["/", "/inspections/", "/cases/", "/inspections/plans/new/", "/evidence/"],
    "head_d": ["/", "/cases/all/", "/review/statistics/", "/publicity/timeliness/"],
    "reviewer_d": ["/", "/review/", "/catalog/"],
    "custodian_d": ["/", "/evidence/", "/evidence/retrievals/", "/evidence/devices/"],
    "editor_d": ["/", "/publicity/", "/publicity/reports/"],
    "sysadmin_d": ["/", "/org/staff/", "/calendar/", "/registry/mines/"],
}


def test_main_pages_of_every_role_pass_axe(page, world):
    failures = []
    for username, paths in MAIN_PAGES.items():
        login(page, username)
        for path in paths:
            page.goto(page.base_url + path)
            page.wait_for_load_state("load")
            found = axe_violations(page)
            if found:
                failures.append(f"{username} {path}\n{describe(found)}")
            if path in ("/review/statistics/", "/publicity/timeliness/"):
                clipped = page.evaluate(
                    "[...document.querySelectorAll('main table')].filter("
                    "t => t.getBoundingClientRect().right > document.documentElement.clientWidth"
                    ").length"
                )
                assert clipped == 0, f"{path}: a table runs off the page"
    assert not failures, "\n\n".join(failures)


#: Pages of the portal a citizen opens without signing in, and the mine's own account (企业端).
PORTAL_PAGES = [
    "/public/",
    "/public/results/",
    "/public/mines/",
    "/public/agencies/",
    "/public/complaints/",
    "/public/licensing/",
    "/public/licensing/ask/",
    "/public/draws/",
]
MINE_PAGES = [
    "/enterprise/",
    "/enterprise/orders/",
    "/enterprise/served/",
    "/enterprise/results/",
    "/enterprise/account/",
    "/enterprise/licensing/",
    "/enterprise/complaints/",
]


def test_portal_and_mine_pages_pass_axe(page, world):
    from sanxiang.enterprise import services as enterprise

    enterprise.account_create(
        actor=world["head"],
        mine=world["mine"],
        login="kuang_d",
        full_name="安全科长 赵某",
        password=factories.PASSWORD,
    )
    failures = []

    def check(path):
        response = page.goto(page.base_url + path)
        assert response.status == 200 and "/login/" not in page.url, path
        found = axe_violations(page)
        if found:
            failures.append(f"{path}\n{describe(found)}")

    page.context.clear_cookies()
    for path in PORTAL_PAGES:
        check(path)
    page.goto(page.base_url + "/enterprise/login/")
    page.fill("#id_login", "kuang_d")
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    for path in MINE_PAGES:
        check(path)
    assert not failures, "\n\n".join(failures)
