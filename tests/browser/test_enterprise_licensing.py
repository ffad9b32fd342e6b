"""GS-MID-3 end to end in Chromium (ADR 0146): a mine's account applies online for a licence
with one material missing, receives the one-time correction notice, completes the materials;
the officer accepts, the head grants; the decision's publication is drafted with its
7-working-day clock; the progress in the mine's account and on the portal shows every step."""

from __future__ import annotations

import datetime
import pathlib

import pytest
from django.utils import timezone

from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.core.workdays import add_working_days
from sanxiang.enterprise import services as enterprise
from sanxiang.licensing import services
from sanxiang.licensing.models import Application
from sanxiang.licensing.workflow import ApplicationStatus
from sanxiang.publicity.models import Publication
from sanxiang.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINE_PASSWORD = "Kuang-Qiye-2026"


@pytest.fixture
def world(transactional_db):
    national = factories.agency(name="国家局（浏览器测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省煤矿安全监察局", short="测")
    sub = factories.agency(parent=provincial, name="测试省煤矿安全监察局甲分局", short="甲")
    load_sample_catalogs(
        agency=provincial,
        effective_from=datetime.date(2025, 1, 1),
        kinds=(
            CatalogKind.LEGAL_BASIS,
            CatalogKind.DOCUMENT_TYPE,
            CatalogKind.REMEDY,
            CatalogKind.POWER_LIST,
        ),
        **factories.catalog_team(agency=provincial),
    )
    officer = factories.officer(agency=provincial, full_name="许受理")
    mine = factories.mine(agency=sub, name="青山煤矿（浏览器测试）")
    enterprise.account_create(
        actor=officer,
        mine=mine,
        login="qingshan",
        full_name="安全科长 赵某",
        password=MINE_PASSWORD,
    )
    item = next(i for i in services.licensing_items(agency=provincial) if i.code == "XK-001")
    return {"officer": officer, "head": factories.head(agency=provincial), "item": item}


def _sign_in(page):
    page.goto(f"{page.base_url}/enterprise/login/")
    page.fill("#id_login", "qingshan")
    page.fill("#id_password", MINE_PASSWORD)
    with page.expect_navigation():
        page.click("main form button.primary")
    assert page.url.endswith("/enterprise/")


def test_a_mine_applies_online_and_follows_every_step(page, world, output_dir, tmp_path):
    item, officer, head = world["item"], world["officer"], world["head"]
    names = item.material_list
    files = []
    for index, name in enumerate(names):
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n")
        files.append(path)

    _sign_in(page)
    page.click("main a:has-text('行政许可申请')")
    page.wait_for_load_state()
    page.click("main a:has-text('网上申请行政许可')")
    page.wait_for_load_state()
    page.select_option("#id_item", label=item.name)
    with page.expect_navigation():
        page.click("main form[method=get] button")
    for index in range(len(names) - 1):  # the last material is missing
        page.set_input_files(f"#id_material_{index}", str(files[index]))
    page.fill("#id_contact", "赵某 0351-1234567")
    with page.expect_navigation():
        page.click("main form[method=post] button.primary")
    assert "申请已提交" in page.inner_text("body")
    application = Application.objects.get()
    code = page.inner_text(".messages").split("查询码")[1].split("（")[0].strip()

    services.correction_notice(actor=officer, application=application, missing=[names[-1]])
    page.reload()
    assert "一次性告知补正" in page.inner_text(".progress-timeline")
    assert "补正通知书" in page.inner_text("main")
    page.set_input_files(f"#id_material_{len(names) - 1}", str(files[-1]))
    page.screenshot(path=str(output_dir / "enterprise_correction.png"), full_page=True)
    with page.expect_navigation():
        page.click("#correction button.primary")
    assert "补正材料已提交" in page.inner_text("body")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    today = timezone.localdate()
    services.accept(actor=officer, application=application)
    application = services.grant(
        actor=head,
        application=Application.objects.get(pk=application.pk),
        scope="准予办理煤矿安全生产许可相关事项（浏览器测试）",
        valid_to=today.replace(year=today.year + 3),
    )
    publication = Publication.objects.get(
        source_type="licensing.application", source_id=str(application.pk)
    )
    assert publication.category == "licensing"
    assert publication.due_on == add_working_days(application.decided_on, 7).date

    labels = ["提交申请", "一次性告知补正", "申请人补正材料", "受理", "决定准予行政许可"]
    page.reload()
    timeline = page.inner_text(".progress-timeline")
    assert all(label in timeline for label in labels), timeline
    main = page.inner_text("main")
    assert "受理通知书" in main and "准予行政许可决定书" in main
    with page.expect_download() as download_info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'd.pdf';"
            " document.body.appendChild(a); a.click(); }",
            page.locator("main a:has-text('准予行政许可决定书')").get_attribute("href"),
        )
    assert pathlib.Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    page.screenshot(path=str(output_dir / "enterprise_progress.png"), full_page=True)

    # the portal's progress query with the number and the code shown once at submission
    page.goto(page.base_url + "/public/licensing/")
    page.fill("input[name=number]", application.number)
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.click("form[action$='/progress/'] button[type=submit]")
    public = page.inner_text(".progress-timeline")
    assert all(label in public for label in labels)
    assert "颁发许可证" in public  # the next step with its statutory due date
