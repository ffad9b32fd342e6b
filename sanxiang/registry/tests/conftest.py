"""A demo-like world for the mine's file (一矿一档), built once per module through the services.

Sub-bureau A supervises mine ``M`` (and mine ``other``): a decided penalty case (with its
inspection, finding, documents, a recorded prior notice and the publication drafted on commit),
an inspection with a time-limited measure that was followed up and whose document was then
voided, a major case under legal review, a recording of the mine itself and a trade-secret
recording of the inspection, a state-secret drawing of the inspection registered by reference,
and a licensing publication typed in by hand with an error report on
it; a phone report against ``M`` whose reporter gave his name (also in his own words), a
reconsideration of the decided case. The provincial bureau inspected ``M`` as well and holds its
licensing application. Mine ``other`` has a case and a recording of its own, which must never
show on ``M``'s file.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from sanxiang.cases.appeals import appeal_register
from sanxiang.catalog.models import CatalogKind
from sanxiang.catalog.samples import load_sample_catalogs
from sanxiang.complaints.services import complaint_register
from sanxiang.documents import services as documents
from sanxiang.documents.classified import classified_register
from sanxiang.inspections import services as inspections
from sanxiang.licensing.services import Material, licensing_items, submit_application
from sanxiang.org.roles import Role
from sanxiang.publicity import services as publicity
from sanxiang.publicity.models import ErrorReport, Publication
from sanxiang.testing import factories

REPORTER = "举报人张秘密"
REPORTER_PHONE = "13912345678"
CLASSIFIED_TITLE = "涉密的井下图纸（测试）"
CLASSIFIED_PLACE = "保密柜三号（测试）"


def _build() -> dict:
    national = factories.agency(name="国家局（一矿一档测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省局", short="测")
    sub_a = factories.agency(parent=provincial, name="测试省局甲分局", short="甲")
    sub_b = factories.agency(parent=provincial, name="测试省局乙分局", short="乙")
    elsewhere = factories.agency(parent=national, name="外省局", short="外")
    factories.enforcement_catalogs(agency=provincial)

    crew = [
        factories.officer(agency=sub_a, full_name="李明"),
        factories.officer(agency=sub_a, full_name="王强"),
    ]
    head = factories.head(agency=sub_a, full_name="赵局长")
    people = {
        "officer": crew[0],
        "partner": crew[1],
        "head": head,
        "custodian": factories.custodian(agency=sub_a, full_name="档案员孙"),
        "reviewer": factories.legal_reviewer(agency=sub_a, full_name="审核员吴"),
        "bystander": factories.officer(agency=sub_a, full_name="钱进"),
        "province_head": factories.head(agency=provincial, full_name="省局负责人"),
        "province_crew": [
            factories.officer(agency=provincial, full_name="省局监察员甲"),
            factories.officer(agency=provincial, full_name="省局监察员乙"),
        ],
        "sub_b_officer": factories.officer(agency=sub_b, full_name="乙分局监察员"),
        "outsider": factories.officer(agency=elsewhere, full_name="外省监察员"),
        "editor": factories.staff(agency=sub_a, roles=[Role.PUBLICITY_EDITOR], full_name="编辑周"),
    }
    mine = factories.mine(agency=sub_a, name="测试省安泰煤业有限公司泰安煤矿")
    other = factories.mine(agency=sub_a, name="测试省另一煤矿")
    today = timezone.localdate()

    decided = factories.decided_case(officers=crew, head=head, mine=mine)

    plan = factories.inspection_plan(officers=crew, mine=mine, head=head)
    visit = factories.inspection(plan=plan)
    found = factories.finding(inspection=visit, major_hazard=True)
    measure = inspections.onsite_measure_take(
        actor=crew[0],
        inspection=visit,
        kind="rectify_within_limit",
        finding=found,
        content="责令限期整改安全培训问题（测试）。",
        days=10,
    )
    inspections.onsite_measure_verify(
        actor=crew[0],
        measure=measure,
        verification="rectified",
        verified_on=today,
        note="复查时已完成培训并建立档案（测试）。",
    )
    documents.document_void(actor=head, document=measure.document, reason="文书内容有误（测试）")
    factories.recording(
        actor=crew[0], title="矿井入口全程记录（测试）", subject=mine, activity="inspection"
    )
    factories.recording(
        actor=crew[1],
        title="商业秘密的工艺流程（测试）",
        subject=visit,
        activity="inspection",
        confidentiality="trade_secret",
    )

    classified = classified_register(
        actor=crew[0],
        subject=visit,
        item_kind="document",
        title=CLASSIFIED_TITLE,
        register_number="MJ-2026-001",
        custodian_unit="测试省局保密室",
        location=CLASSIFIED_PLACE,
        digest="a" * 64,
    )

    major = factories.major_case(officers=crew, mine=mine, head=head)
    review = factories.review_submitted(case=major, officer=crew[0])

    publicity.publication_manual_create(
        actor=people["editor"],
        agency=sub_a,
        category="licensing",
        decided_on=today,
        mine=mine,
        fields={"party_name": mine.name, "licence_content": "延续安全生产许可证（测试）"},
    )

    complaint, _code = complaint_register(
        actor=crew[0],
        channel="phone",
        data={
            "mine": mine,
            "category": "hazard",
            "description": f"我是{REPORTER}，三号工作面瓦斯超限仍在作业（测试）。",
            "place": "三号工作面",
            "reporter_name": REPORTER,
            "reporter_contact": REPORTER_PHONE,
        },
    )
    appeal = appeal_register(
        actor=head,
        case=decided,
        kind="reconsideration",
        applicant=mine.name,
        body="测试省人民政府（测试）",
        filed_on=today,
    )
    # A result flagged by the public: the row as the public form leaves it (the form's own
    # path, with its live-version and rate-limit checks, is tested in publicity/tests).
    error_report = ErrorReport.objects.create(
        publication=Publication.objects.get(mine=mine, category="licensing"),
        number="JCMINEFILE01",
        version_number=1,
        description="许可证有效期写错了（测试）",
    )

    load_sample_catalogs(
        agency=provincial,
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        kinds=(CatalogKind.POWER_LIST,),
        **factories.catalog_team(agency=provincial),
    )
    item = next(i for i in licensing_items(agency=provincial) if i.code == "XK-001")
    application = submit_application(
        mine=mine,
        item=item,
        materials=[
            Material(name=name, file_name=f"{n}.pdf", data=b"%PDF-1.4\n% material\n")
            for n, name in enumerate(item.material_list)
        ],
        contact="联系人老周 13800001111",
        registered_by=people["province_crew"][0],
    )

    province_plan = factories.inspection_plan(
        officers=people["province_crew"], mine=mine, head=people["province_head"]
    )
    province_visit = factories.inspection(plan=province_plan)

    other_case = factories.filed_case(officers=crew, mine=other, head=head)
    factories.recording(actor=crew[0], title="另一煤矿的记录（测试）", subject=other_case)

    return {
        **people,
        "agencies": {
            "national": national,
            "provincial": provincial,
            "a": sub_a,
            "b": sub_b,
            "elsewhere": elsewhere,
        },
        "mine": mine,
        "other": other,
        "decided": decided,
        "visit": visit,
        "measure": measure,
        "major": major,
        "review": review,
        "province_visit": province_visit,
        "other_case": other_case,
        "complaint": complaint,
        "classified": classified,
        "appeal": appeal,
        "error_report": error_report,
        "application": application,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and committed (publications are drafted on commit); each test
    runs in a transaction rolled back after it; the module's data is flushed at the end."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("sanxiang.documents.services.render_pdf", factories.html_instead_of_pdf)
        try:
            yield _build()
        finally:
            call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
