"""ADR 0205 staff pages: each procedure branch started from the case page and taken to its end
through the forms a browser submits (CSRF enforced, the token read from the page), with
Chinese field-level errors and nothing written on an error; the head's rows need step-up."""

import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.cases import execution, services
from sanxiang.cases.models import CaseBranch
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team, officers):
    return factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])


def browser(user, **kwargs) -> Client:
    return sign_in(Client(enforce_csrf_checks=True), user, **kwargs)


def submit(client: Client, url: str, data: dict):
    """GET the form page as a browser does, then POST it with the page's CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    return client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)})


def text(response) -> str:
    return response.content.decode()


def start_url(case, kind):
    return f"/cases/{case.pk}/branches/new/{kind}/"


def step_url(branch, action):
    return f"/cases/{branch.case_id}/branches/{branch.pk}/do/{action}/"


def branch_page(client, branch) -> str:
    page = client.get(f"/cases/{branch.case_id}/branches/{branch.pk}/")
    assert page.status_code == 200
    return text(page)


def items(*rows):
    out = {}
    for i, (name, spec, qty, place) in enumerate(rows):
        out.update(
            {
                f"items-{i}-name": name,
                f"items-{i}-specification": spec,
                f"items-{i}-quantity": qty,
                f"items-{i}-place": place,
            }
        )
    return out


def test_simple_procedure_page(case, team):
    officer = browser(team["officer"])
    assert "启动简易程序（当场处罚）" in text(officer.get(f"/cases/{case.pk}/"))
    url = start_url(case, "simple")
    bad = submit(
        officer, url, {"subject": "未戴安全帽", "penalty_kind": "fine", "amount": "3000.01"}
    )
    assert bad.status_code == 400 and "不得超过三千元" in text(bad)
    assert 'id="id_amount-errors"' in text(bad)  # under its field
    assert not CaseBranch.objects.exists()
    done = submit(officer, url, {"subject": "未戴安全帽", "penalty_kind": "fine", "amount": "3000"})
    assert done.status_code == 302
    branch = CaseBranch.objects.get()
    page = branch_page(officer, branch)
    assert "已当场决定，待备案" in page and "报所属机关备案" in page and "罚款 3000.00 元" in page
    assert "/documents/" in page  # the on-site decision is linked
    assert submit(officer, step_url(branch, "report_record"), {}).status_code == 302
    branch.refresh_from_db()
    assert branch.status == "recorded"


def test_preservation_page_items_as_rows_and_the_heads_handling(case, team):
    officer = browser(team["officer"])
    url = start_url(case, "preservation")
    form = text(officer.get(url))
    assert "规格型号" in form and 'name="items-0-quantity"' in form
    bad = submit(officer, url, {"subject": "账本可能灭失", **items(("账本", "", "", "财务室"))})
    assert bad.status_code == 400 and "第1项缺少数量" in text(bad)
    assert not CaseBranch.objects.exists()
    rows = items(("账本", "A4", "3本", "财务室"), ("入井记录", "", "1册", "调度室"))
    assert submit(officer, url, {"subject": "账本可能灭失", **rows}).status_code == 302
    branch = CaseBranch.objects.get()
    assert [i["name"] for i in branch.details["items"]] == ["账本", "入井记录"]
    page = branch_page(officer, branch)
    assert "入井记录" in page and "期限至" in page and branch.due_on.isoformat() in page
    assert "作出处理决定" not in page  # the head's row
    head = browser(team["head"])
    assert "作出处理决定" in branch_page(head, branch)
    wrong = submit(
        head, step_url(branch, "handle"), {"note": "退还", "handling": "退还\n退还\n退还"}
    )
    assert wrong.status_code == 400 and "共2项" in text(wrong)
    ok = submit(head, step_url(branch, "handle"), {"note": "予以退还。", "handling": "予以退还"})
    assert ok.status_code == 302
    branch.refresh_from_db()
    assert branch.status == "handled" and len(branch.details["documents"]) == 2
    assert branch_page(head, branch).count("/documents/") >= 2


def test_sealing_page_extension_and_release_with_step_up(case, team):
    stale = browser(team["head"], second_factor_at=time.time() - 3600)
    asked = stale.get(start_url(case, "sealing"))
    assert asked.status_code == 302 and "step-up" in asked["Location"]
    head = browser(team["head"])
    assert "启动查封、扣押" in text(head.get(f"/cases/{case.pk}/"))
    data = {
        "subject": "存在重大事故隐患的设备",
        "basis": "《中华人民共和国安全生产法》第六十五条",
        "major": "on",
        **items(("采煤机", "MG300", "1台", "3101工作面"), ("刮板输送机", "", "1部", "3101工作面")),
    }
    bad = submit(head, start_url(case, "sealing"), data)
    assert bad.status_code == 400 and "法制审核意见书文号" in text(bad)
    assert not CaseBranch.objects.exists()
    data["review_reference"] = "测法审〔2026〕1号"
    assert submit(head, start_url(case, "sealing"), data).status_code == 302
    branch = CaseBranch.objects.get()
    page = branch_page(head, branch)
    assert "批准延长期限" in page and "解除查封（扣押）" in page and "保存" not in page
    assert submit(head, step_url(branch, "extend"), {"note": "情况复杂。"}).status_code == 302
    missing = submit(head, step_url(branch, "release"), {})
    assert missing.status_code == 400 and "请写明决定内容或理由" in text(missing)
    assert submit(head, step_url(branch, "release"), {"note": "已整改。"}).status_code == 302
    branch.refresh_from_db()
    assert branch.status == "released" and len(branch.details["documents"]) == 3


def test_payment_deferral_page_refused_by_the_button(case, team):
    case = factories.case_to_decision(case=case, officer=team["officer"], head=team["head"])
    case = services.decision_issue(actor=team["head"], case=case)
    execution.service_record(
        actor=team["officer"],
        case=case,
        served_on=timezone.localdate(),
        method="mail",
        recipient="张矿长",
    )
    officer = browser(team["officer"])
    assert "启动暂缓或分期缴纳罚款" in text(officer.get(f"/cases/{case.pk}/"))
    url = start_url(case, "deferral")
    assert submit(officer, url, {"subject": "书面申请分三期缴纳"}).status_code == 302
    branch = CaseBranch.objects.get()
    head = browser(team["head"])
    form = text(head.get(step_url(branch, "grant")))
    assert ">批准<" in form and ">不予批准<" in form
    done = submit(head, step_url(branch, "grant"), {"decision": "refuse", "note": "理由不充分。"})
    assert done.status_code == 302
    branch.refresh_from_db()
    assert branch.status == "refused"


def test_recusal_page_officer_picked_not_typed(case, team):
    officer = browser(team["officer"])
    url = start_url(case, "recusal")
    form = text(officer.get(url))
    assert f'<option value="{team["partner"].pk}">王强</option>' in form
    bad = submit(officer, url, {"subject": "与矿长系亲属", "officer": "999999"})
    assert bad.status_code == 400 and not CaseBranch.objects.exists()
    ok = submit(officer, url, {"subject": "与矿长系亲属", "officer": team["partner"].pk})
    assert ok.status_code == 302
    branch = CaseBranch.objects.get()
    head = browser(team["head"])
    assert "作出回避决定" in branch_page(head, branch)
    done = submit(head, step_url(branch, "decide"), {"granted": "1", "note": "同意回避。"})
    assert done.status_code == 302
    assert "回避决定" in branch_page(head, branch)


def test_case_extension_page(case, team):
    officer = browser(team["officer"])
    assert "启动办案期限延长" not in text(officer.get(f"/cases/{case.pk}/"))  # the head's row
    head = browser(team["head"])
    assert "启动办案期限延长" in text(head.get(f"/cases/{case.pk}/"))
    url = start_url(case, "extension")
    assert submit(head, url, {"subject": ""}).status_code == 400
    assert submit(head, url, {"subject": "案情复杂，需要补充鉴定。"}).status_code == 302
    branch = CaseBranch.objects.get()
    page = branch_page(head, branch)
    assert "办案期限已延长" in page and branch.due_on.isoformat() in page
    assert "启动办案期限延长" not in text(head.get(f"/cases/{case.pk}/"))  # once only


def test_dashboard_reminds_of_a_sealing_term_ending_soon(case, team):
    import datetime

    head = browser(team["head"])
    sealed_on = timezone.localdate() - datetime.timedelta(days=25)
    data = {
        "subject": "存在重大事故隐患的设备",
        "basis": "《中华人民共和国安全生产法》第六十五条",
        "started_on": sealed_on.isoformat(),
        **items(("采煤机", "MG300", "1台", "3101工作面")),
    }
    assert submit(head, start_url(case, "sealing"), data).status_code == 302
    branch = CaseBranch.objects.get()
    dashboard = text(browser(team["officer"]).get("/"))
    assert "查封（扣押）期限和先行登记保存处理期限提醒" in dashboard
    assert f"/cases/{case.pk}/branches/{branch.pk}/" in dashboard
    assert branch.due_on.isoformat() in dashboard
