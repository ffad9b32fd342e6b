"""Browser: a legal reviewer sees his queue with due dates, answers the checklist and issues a
“change” opinion; the officer reads it and, once the case is amended, resubmits; the reviewer
approves; the head can then issue the decision (SH-CONT-1/2/3, SH-SCOPE-1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanxiang.cases import services as cases
from sanxiang.cases.models import Case
from sanxiang.cases.workflow import CaseStatus
from sanxiang.ledger.verification import verify_ledger
from sanxiang.review.models import ChecklistItem, Review
from sanxiang.review.workflow import ReviewStatus
from sanxiang.testing import factories
from sanxiang.testing.browser import login as shared_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, monkeypatch):
    monkeypatch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
    national = factories.agency(name="国家局（审核测试）", short="国")
    provincial = factories.agency(parent=national, name="审核测试省局", short="审")
    sub = factories.agency(parent=provincial, name="审核测试甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    officers = [
        factories.officer(agency=sub, username="officer_a", full_name="李承办"),
        factories.officer(agency=sub, username="partner_a", full_name="王协办"),
    ]
    head = factories.head(agency=sub, username="head_a", full_name="赵局长")
    factories.legal_reviewer(agency=sub, username="reviewer_a", full_name="孙审核")
    mine = factories.mine(agency=sub, name="审核测试煤业有限公司一号煤矿")
    case = factories.major_case(officers=officers, mine=mine, head=head)
    factories.review_submitted(case=case, officer=officers[0])
    return {"case": case, "officer": officers[0], "head": head}


def login(page, username: str) -> None:
    page.context.clear_cookies()
    shared_login(page, username)


def step(page, label: str) -> None:
    """Open a step: HTMX loads its form into the review page's action panel."""
    page.click(f".actions a:has-text('{label}')")
    page.wait_for_selector("#action-panel form")


def answer_checklist(page, problems: dict[str, str]) -> None:
    step(page, "填写审核要点")
    for item in ChecklistItem:
        if item.value in problems:
            page.check(f"#id_{item.value}_finding_1")
            page.fill(f"#id_{item.value}_notes", problems[item.value])
        else:
            page.check(f"#id_{item.value}_finding_0")
    page.click("#action-panel button.primary")
    page.wait_for_selector("text=已办理：填写审核要点")


def test_change_resubmit_approve_then_decide(page, world, output_dir):
    case = world["case"]
    review = Review.objects.get(case=case)
    detail = f"{page.base_url}/review/{review.pk}/"

    login(page, "reviewer_a")
    page.click("nav >> text=法制审核")
    expect(page.locator("#queue-title ~ table")).to_contain_text(case.cause)
    page.click(f"text={case.cause}")
    step(page, "接收材料（材料齐全）")
    page.click("#action-panel button.primary")
    page.wait_for_selector("text=已办理")
    page.goto(page.base_url + "/review/")
    review.refresh_from_db()
    due = review.due_on.isoformat()
    row = page.inner_text(f"#queue-title ~ table tr:has-text('{case.cause}')")
    assert due in row and "审核中" in row
    page.screenshot(path=str(output_dir / "queue.png"), full_page=True)

    page.goto(detail)
    answer_checklist(page, {"law_discretion": "罚款数额超出裁量基准对应档次。"})
    step(page, "提出审核意见")
    page.check("#id_kind_2")  # 变更
    page.check("#id_grounds_2")  # 执行裁量基准不当
    page.fill("#id_reasons", "违法事实清楚，但罚款数额与裁量基准不符。")
    page.fill("#id_proposed_change", "建议罚款人民币5万元。")
    page.screenshot(path=str(output_dir / "opinion-form.png"), full_page=True)
    page.click("#action-panel button.primary")
    page.wait_for_selector("text=已提出审核意见（退回承办机构）")
    page.screenshot(path=str(output_dir / "change-opinion.png"), full_page=True)

    login(page, "officer_a")
    page.goto(page.base_url + "/review/")
    assert "待承办机构处理" in page.content()
    page.click(f"text={case.cause}")
    # The click only starts the navigation: wait for the review page, not the page's current text.
    expect(page.locator("main")).to_contain_text("建议罚款人民币5万元")
    # The case side acts on the opinion in the case: investigate again, report 50,000 CNY.
    amended = cases.case_reinvestigate(
        actor=world["officer"], case=case, reason="按法制审核变更意见调整罚款"
    )
    factories.case_to_decision(
        case=amended, officer=world["officer"], head=world["head"], fine="50000"
    )
    page.reload()
    step(page, "再次送审")
    page.fill("#id_response", "已采纳变更意见，罚款调整为人民币5万元，并重新告知当事人。")
    page.check("#id_declaration")
    page.click("#action-panel button.primary")
    page.wait_for_selector("text=已送审（待接收）")
    page.screenshot(path=str(output_dir / "resubmitted.png"), full_page=True)

    login(page, "reviewer_a")
    page.goto(detail)
    step(page, "接收材料（材料齐全）")
    page.click("#action-panel button.primary")
    page.wait_for_selector("text=已办理")
    answer_checklist(page, {})
    step(page, "提出审核意见")
    page.check("#id_kind_0")  # 同意
    page.fill("#id_reasons", "事实清楚，证据确凿充分，定性准确，处罚适当，程序合法。")
    page.click("#action-panel button.primary")
    page.wait_for_selector("h1 >> text=审核通过")
    page.screenshot(path=str(output_dir / "approved.png"), full_page=True)

    login(page, "head_a")
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    assert "已通过法制审核" in page.content()
    page.goto(f"{page.base_url}/cases/{case.pk}/do/decide/")
    page.click("button.primary")
    page.wait_for_selector("text=已作出决定（待送达）")
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.DECIDED and case.fine_amount == 50000
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLEARED and review.round == 2
    assert verify_ledger().ok
