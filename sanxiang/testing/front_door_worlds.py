"""Real rows behind the front door's API paths (complaints, licensing, procedure branches), so
the hostile-input test reaches each handler's own validation instead of a 404 (ADR 0076).

Each world is made through the services, like the rest of ``factories``; the enforcement
catalogs are expected to exist (the caller makes the enforcement world first)."""

from __future__ import annotations

import datetime

from . import factories

D = datetime.date
SAMPLE_PDF = b"%PDF-1.4\n% sample material\n"


def complaint_world(*, province: dict) -> dict[str, int]:
    """A report received by phone in sub-bureau A, and a letter's attachment waiting for its scan."""
    from sanxiang.complaints import services
    from sanxiang.complaints.models import ComplaintFile
    from sanxiang.core import blobstore

    sub = province["a"]
    intake = factories.officer(agency=sub)
    site = factories.mine(agency=sub)
    complaint, _code = services.complaint_register(
        actor=intake,
        channel="phone",
        data={
            "mine": site,
            "category": "hazard",
            "description": "井下三号工作面瓦斯超限仍在作业（测试）",
            "place": "三号工作面",
            "reporter_name": "张举报",
            "reporter_contact": "13912345678",
        },
    )
    blob = blobstore.blob_put(b"\xff\xd8\xff\xe0 not really a photo")
    attachment = ComplaintFile.objects.create(
        complaint=complaint,
        filename="信件附件.jpg",
        content_type="image/jpeg",
        size=blob.size,
        sha256=blob.sha256,
        original_path=blob.path,
    )
    return {"complaint_id": complaint.pk, "file_id": attachment.pk}


def licensing_world(*, province: dict) -> dict[str, int]:
    """At the provincial bureau: an application waiting for acceptance, a granted application
    with its licence, and an open consultation."""
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import load_sample_catalogs
    from sanxiang.licensing import services

    provincial = province["provincial"]
    load_sample_catalogs(
        agency=provincial,
        effective_from=factories.ENFORCEMENT_CATALOG_START,
        kinds=(CatalogKind.POWER_LIST,),
        **factories.catalog_team(agency=provincial),
    )
    item = {item.code: item for item in services.licensing_items(agency=provincial)}["XK-001"]
    clerk, boss = factories.officer(agency=provincial), factories.head(agency=provincial)
    site = factories.mine(agency=province["a"])

    def submit(received_on: datetime.date):
        materials = [
            services.Material(name=name, file_name=f"{i}.pdf", data=SAMPLE_PDF)
            for i, name in enumerate(item.material_list)
        ]
        return services.submit_application(
            mine=site, item=item, materials=materials, registered_by=clerk, received_on=received_on
        )

    pending = submit(D(2026, 9, 29))
    granted = services.grant(
        actor=boss,
        application=services.accept(
            actor=clerk, application=submit(D(2026, 9, 29)), on=D(2026, 10, 12)
        ),
        scope="准予办理煤矿安全生产许可相关事项（测试）",
        valid_to=D(2029, 10, 19),
        on=D(2026, 10, 20),
    )
    licence = services.licence_issue(
        actor=clerk, application=granted, number="（测）MK安许证字〔2026〕901", on=D(2026, 10, 21)
    )
    consultation = services.consultation_ask(
        agency=provincial, question="办理安全生产许可证需要哪些材料？（测试）"
    )
    return {
        "licensing_application_id": pending.pk,
        "licence_id": licence.pk,
        "consultation_id": consultation.pk,
    }


def branch_world(*, province: dict) -> dict[str, int]:
    """A recusal request on a filed case of sub-bureau A, waiting for the head's decision."""
    from sanxiang.cases.branch_workflow import BranchKind
    from sanxiang.cases.branches import branch_start

    sub = province["a"]
    crew = [factories.officer(agency=sub), factories.officer(agency=sub)]
    case = factories.filed_case(
        officers=crew, mine=factories.mine(agency=sub), head=factories.head(agency=sub)
    )
    branch = branch_start(
        actor=crew[0],
        case=case,
        kind=BranchKind.RECUSAL,
        subject="当事人称执法人员系其近亲属（测试）",
        officer=crew[1],
    )
    return {"branch_id": branch.pk}
