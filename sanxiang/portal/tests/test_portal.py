"""The public portal: published data only, no login, no JavaScript, no personal data (GS-PRE-*, GS-REQ-1/2)."""

import datetime
import json
import re
import types

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.catalog import procedures, services
from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import publish_through_workflow
from sanxiang.catalog.workflow import VersionStatus
from sanxiang.org import services as org
from sanxiang.portal import selectors
from sanxiang.testing import factories

TODAY = timezone.localdate()
PUBLIC_PAGES = [
    "/public/",
    "/public/agencies/",
    "/public/officers/",
    "/public/certificate-check/",
    "/public/legal-bases/",
    "/public/powers/",
    "/public/random-inspection/",
    "/public/procedures/",
    "/public/remedies/",
    "/public/powers/history/",
    "/public/data/",
]


def get(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_need_no_login_and_no_javascript(samples, url):
    html = get(url)
    assert "<script" not in html  # plain pages: everything works without JavaScript
    assert 'href="http' not in html and 'src="http' not in html  # nothing from outside
    assert "煤矿安全监察执法公示" in html


def test_catalog_change_is_public_only_once_approved_and_history_keeps_the_old_version(
    samples, team, province
):
    """GS-REQ-2 / GS-PRE-3 acceptance: not public until approved; then public with its
    effective date; the previous version stays visible in the dated history."""
    provincial = province["provincial"]
    first = samples[CatalogKind.POWER_LIST]
    draft = services.catalog_version_create(
        actor=team["editor"],
        agency=provincial,
        kind=CatalogKind.POWER_LIST,
        effective_from=TODAY,
        title="修订版",
        change_note="增列示例事项",
    )
    services.catalog_item_save(
        actor=team["editor"],
        version=draft,
        entity="power_item",
        values={
            "code": "NEW-01",
            "name": "尚未批准的新事项",
            "category": "行政检查",
            "legal_basis": "《安全生产法》第六十五条",
            "responsible_levels": "监察分局",
            "procedure": "行政检查程序",
        },
    )
    url = f"/public/powers/?agency={provincial.pk}"
    services.catalog_version_submit(actor=team["editor"], version=draft)
    services.catalog_version_review(actor=team["reviewer"], version=draft)
    html = get(url)
    assert "尚未批准的新事项" not in html  # reviewed, not yet approved: still not public
    assert "第 1 版" in html
    assert Client().get(f"/public/versions/{draft.pk}/").status_code == 404
    json_items = json.loads(get(f"/public/data/powers.json?agency={provincial.pk}"))["items"]
    assert "NEW-01" not in {item["code"] for item in json_items}

    services.catalog_version_approve(actor=team["head"], version=draft)
    html = get(url)
    assert "尚未批准的新事项" in html
    assert f"生效日期 {TODAY:%Y-%m-%d}" in html and "第 2 版" in html

    history = get(f"/public/powers/history/?agency={provincial.pk}")
    assert "第 2 版" in history and "第 1 版" in history
    assert f"{first.effective_from:%Y-%m-%d}" in history
    assert f"{TODAY - datetime.timedelta(days=1):%Y-%m-%d}" in history  # the old version's end
    old = get(f"/public/versions/{first.pk}/")
    assert "这是历史版本" in old and "尚未批准的新事项" not in old
    assert "CF-001" in old


def test_future_version_is_public_on_its_effective_date(samples, team, province):
    later = TODAY + datetime.timedelta(days=30)
    version = services.catalog_version_create(
        actor=team["editor"],
        agency=province["provincial"],
        kind=CatalogKind.REMEDY,
        effective_from=later,
        title="下月起施行",
    )
    version = publish_through_workflow(version=version, **team)
    assert version.status == VersionStatus.APPROVED
    assert "下月起施行" not in get("/public/remedies/")
    services.catalog_publish_due(today=later)
    assert "下月起施行" in get("/public/remedies/history/")


def test_sub_bureau_sees_inherited_catalog(samples, province):
    html = get(f"/public/random-inspection/?agency={province['a'].pk}")
    assert "适用上级机构测试省局公布的目录" in html and "SJ-001" in html
    assert "10%" in html and "重点检查事项" in html


def test_legal_bases_show_revisions_in_force_and_repealed(samples):
    html = get("/public/legal-bases/")
    assert "2021-09-01 起失效" in html  # the 2014 revision
    assert "现行有效" in html and "【示例条文】" in html


def test_procedures_are_drawn_from_the_workflow_table(samples):
    html = get("/public/procedures/")
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    for status in VersionStatus:
        assert str(status.label) in svg
    for label in ("提交法制审核", "审核通过", "负责人批准", "到生效日期公布", "退回修改"):
        assert label in svg
    # Catalog publication, licensing, inspection, penalty, legal review, coercion (preservation
    # and sealing, ADR 0205) and the four other procedure branches: every guide has its chart.
    assert html.count("<svg") == 10
    licensing = html[html.index("XK-001") :]
    assert "一次性告知补正" in licensing and "逾期未告知" in licensing
    coercion = html[html.index("QZ-001") :]
    assert "解除查封（扣押）" in coercion and "作出先行登记保存证据处理决定" in coercion
    review = html[html.index("SH-001") :]
    assert "重大执法决定法制审核程序" in review and "重大执法决定法制审核流程" in review
    assert "<svg" in review and "有异议（待集体讨论）" in review
    assert "流程图将在系统相应执法流程上线后" not in html  # every sample guide has its chart


def test_every_procedure_branch_is_drawn_on_the_procedures_page(samples):
    """Issue 18 item 4: each branch kind of a case (ADR 0205) appears on the public flowcharts,
    every row of its transition table drawn in an SVG under a procedure guide."""
    from sanxiang.cases.branch_workflow import TABLES, BranchKind

    html = get("/public/procedures/")
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    for kind in BranchKind:
        for row in TABLES[kind]:
            assert any(str(row.label) in svg for svg in charts), (kind.label, row.label)
            assert any(str(row.label) in svg and str(row.target.label) in svg for svg in charts)
    for code in ("CF-002", "CF-003", "CF-004", "CF-005"):
        assert code in html
        assert "示例" in html[html.index(code) : html.index(code) + 400]


def test_registering_a_workflow_table_adds_its_flowchart(samples, monkeypatch):
    """Adding a workflow later is one line in WORKFLOW_TABLES; the guide then shows its chart."""
    fake = types.ModuleType("fake_penalty_workflow")
    fake.TRANSITIONS = [("filed", "decided", "作出决定"), ("decided", "closed", "结案")]
    fake.STATES = {"filed": "已立案", "decided": "已决定", "closed": "已结案"}
    monkeypatch.setitem(procedures.WORKFLOW_TABLES, "penalty", "fake_penalty_workflow")
    monkeypatch.setitem(__import__("sys").modules, "fake_penalty_workflow", fake)
    procedures._chart.cache_clear()
    try:
        html = get("/public/procedures/")
    finally:
        procedures._chart.cache_clear()
    assert html.count("<svg") == 10 and "已立案" in html and "结案" in html


def test_certificate_check(province):
    agency = province["a"]
    valid = factories.officer(agency=agency, full_name="张有效")
    expired = factories.officer(agency=agency, certified=False, full_name="李过期")
    org.certificate_issue(
        actor=factories.superuser(),
        holder=expired,
        number="EXP0000001",
        issuing_authority="测试省人民政府",
        issued_on=TODAY - datetime.timedelta(days=900),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    revoked = factories.officer(agency=agency, full_name="王注销")
    org.certificate_set_status(
        actor=factories.superuser(),
        certificate=revoked.certificates.get(),
        status="revoked",
        reason="调离",
    )
    number = valid.certificates.get().number
    answer = selectors.certificate_check(number)
    assert (answer.status, answer.holder, answer.agency) == ("valid", "张有效", agency.name)
    full_width = number.translate({ord(c): ord(c) + 0xFEE0 for c in number if c.isalnum()})
    assert selectors.certificate_check(f" {full_width.lower()} ").status == "valid"
    assert selectors.certificate_check("EXP0000001").status == "expired"
    assert (
        selectors.certificate_check(revoked.certificates.get().number).status
        == "revoked_or_suspended"
    )
    assert selectors.certificate_check("NOPE").status == "unknown"
    html = get(f"/public/certificate-check/?number={number}")
    assert "有效" in html and "张有效" in html and agency.name in html
    html = get("/public/certificate-check/?number=EXP0000001")
    assert "已过期" in html and "李过期" in html
    assert "查无此证" in get("/public/certificate-check/?number=NOPE")


def test_officer_list_shows_only_valid_certificates_and_public_fields(province):
    agency = province["a"]
    factories.officer(agency=agency, full_name="赵在岗", phone="13812345678")
    lapsed = factories.officer(agency=agency, certified=False, full_name="钱过期")
    org.certificate_issue(
        actor=factories.superuser(),
        holder=lapsed,
        number="LAPSED0001",
        issuing_authority="测试省人民政府",
        issued_on=TODAY - datetime.timedelta(days=900),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    html = get(f"/public/officers/?agency={agency.pk}")
    assert "赵在岗" in html and "钱过期" not in html
    assert "13812345678" not in html
    data = json.loads(get("/public/data/officers.json"))
    assert data["fields"] == [
        {"key": "name", "header": "姓名"},
        {"key": "agency", "header": "所属机构"},
        {"key": "certificate_number", "header": "执法证号"},
    ]
    assert all(set(item) == {"name", "agency", "certificate_number"} for item in data["items"])


def test_open_data_csv_and_json(samples):
    response = Client().get("/public/data/powers.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    header = body.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("事项编码,事项名称,权力类型,设定依据")
    data = json.loads(get("/public/data/legal-bases.json"))
    assert data["dataset"] == "legal_basis" and data["version"]["is_sample"] is True
    first = data["items"][0]
    assert {"title", "category", "category_label", "effective_from", "articles"} <= set(first)
    assert first["effective_from"] == "2014-12-01" and first["category_label"] == "法律"
    agencies = json.loads(get("/public/data/agencies.json"))
    assert {"id", "name", "enforcement_scope"} <= set(agencies["items"][0])
    assert Client().get("/public/data/nothing.json").status_code == 404
    assert Client().get("/public/data/powers.xml").status_code == 404


def test_internal_catalogs_are_not_public(samples):
    compendium = samples[CatalogKind.VIOLATION_COMPENDIUM]
    assert Client().get(f"/public/versions/{compendium.pk}/").status_code == 404
    assert Client().get("/public/violation-compendium/").status_code == 404
    assert Client().get("/public/data/major-decision.json").status_code == 404
