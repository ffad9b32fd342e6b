"""The catalog pages: every page renders for the roles that use it, forms go through the services."""

import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from sanxiang.catalog.models import CatalogKind, CatalogVersion
from sanxiang.catalog.workflow import VersionStatus
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def editor(team):
    return client_for(team["editor"])


def test_pages_render(samples, team, province):
    c = client_for(team["editor"])
    power = samples[CatalogKind.POWER_LIST]
    legal = samples[CatalogKind.LEGAL_BASIS]
    for url in [
        "/catalog/",
        f"/catalog/?agency={province['a'].pk}",
        "/catalog/versions/?kind=power_list&status=published",
        f"/catalog/versions/{power.pk}/",
        f"/catalog/versions/{legal.pk}/",
        f"/catalog/versions/{samples[CatalogKind.VIOLATION_COMPENDIUM].pk}/",
        "/catalog/compendium/?q=瓦斯",
        "/catalog/major-decisions/",
        "/catalog/major-decisions/?party_kind=individual&fine_amount=20000&measures=sealing",
        "/catalog/versions/new/?kind=remedy",
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
    assert "WF-002" in c.get("/catalog/compendium/?q=瓦斯").content.decode()
    major = c.get(
        "/catalog/major-decisions/?party_kind=individual&fine_amount=20000"
    ).content.decode()
    assert "属于重大执法决定" in major and "SH2-02P" in major
    minor = c.get(
        "/catalog/major-decisions/?party_kind=individual&fine_amount=19999"
    ).content.decode()
    assert "不属于本单位目录清单所列的重大执法决定" in minor
    for fmt, kind in (("xlsx", "spreadsheetml"), ("csv", "text/csv")):
        response = c.get(f"/catalog/versions/{power.pk}/export.{fmt}")
        assert kind in response["Content-Type"] and "attachment" in response["Content-Disposition"]
        assert c.get(f"/catalog/templates/power_list.{fmt}").status_code == 200
    assert c.get("/catalog/templates/nothing.csv").status_code == 404


def test_anonymous_is_sent_to_login(samples):
    response = Client().get("/catalog/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_draft_edited_through_forms_and_workflow_buttons(samples, team, province):
    c = client_for(team["editor"])
    response = c.post(
        "/catalog/versions/new/",
        {
            "agency": province["provincial"].pk,
            "kind": CatalogKind.POWER_LIST,
            "title": "页面修订",
            "effective_from": timezone.localdate().isoformat(),
            "change_note": "",
        },
    )
    assert response.status_code == 302
    version = CatalogVersion.objects.get(title="页面修订")
    url = f"/catalog/versions/{version.pk}/"
    bad = c.post(
        f"{url}items/power_item/new/",
        {
            "code": "P 1",
            "name": "",
            "category": "penalty",
            "legal_basis": "《未知法》第一条",
            "procedure": "penalty",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "编码不能含有空格。" in html and "此项为必填。" in html
    good = c.post(
        f"{url}items/power_item/new/",
        {
            "code": "P-1",
            "name": "页面新增事项",
            "category": "penalty",
            "legal_basis": "《安全生产法》第一百零二条",
            "responsible_levels": ["provincial", "sub_bureau"],
            "procedure": "penalty",
        },
    )
    assert good.status_code == 302
    item = version.power_items.get(code="P-1")
    assert item.responsible_levels == ["provincial", "sub_bureau"]
    edit = c.get(f"{url}items/power_item/{item.pk}/edit/")
    assert "页面新增事项" in edit.content.decode()
    c.post(f"{url}transition/", {"action": "submit"})
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    reviewer = client_for(team["reviewer"])
    assert "审核通过" in reviewer.get(url).content.decode()
    reviewer.post(f"{url}transition/", {"action": "return", "reason": ""})
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED  # a return without reason is refused
    reviewer.post(f"{url}transition/", {"action": "review"})
    client_for(team["head"]).post(f"{url}transition/", {"action": "approve"})
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert "页面新增事项" in Client().get("/public/powers/").content.decode()


def test_import_through_the_page_shows_row_errors(samples, team, province):
    c = client_for(team["editor"])
    from sanxiang.catalog.services import catalog_version_create

    version = catalog_version_create(
        actor=team["editor"],
        agency=province["provincial"],
        kind=CatalogKind.REMEDY,
        effective_from=timezone.localdate(),
        title="导入页面",
    )
    workbook = Workbook()
    workbook.active.append(["编码", "救济方式", "名称", "受理机关", "申请期限", "申请方式", "依据"])
    workbook.active.append(
        ["R-1", "上访", "名称", "机关", "期限", "方式", "《行政复议法》第二十条"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "remedy.xlsx"
    response = c.post(f"/catalog/versions/{version.pk}/import/", {"file": buffer})
    assert response.status_code == 400
    assert "第2行「救济方式」：取值无效" in response.content.decode()
    assert version.remedies.count() == 3  # unchanged copy of the current version


def test_officer_cannot_edit(samples, province):
    officer = factories.officer(agency=province["provincial"])
    c = client_for(officer)
    version = samples[CatalogKind.POWER_LIST]
    assert c.get(f"/catalog/versions/{version.pk}/").status_code == 200
    response = c.post(
        "/catalog/versions/new/",
        {
            "agency": province["provincial"].pk,
            "kind": "remedy",
            "title": "x",
            "effective_from": "2030-01-01",
        },
    )
    assert response.status_code == 403
