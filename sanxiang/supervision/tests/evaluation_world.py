"""A province shaped like the demo's for 案卷评查 tests: sub-bureau A decided two cases —
one whose prior notice was voided (a stage document missing) and whose decision was published
late, one where an officer's certificate had expired on the day — and the province's legal
office runs a campaign over A with a provincial evaluator and one of A's officers."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.documents.models import Document
from sanxiang.documents.services import document_void
from sanxiang.org.models import Certificate
from sanxiang.org.roles import Role
from sanxiang.publicity.models import Publication
from sanxiang.supervision.evaluation import services
from sanxiang.testing import factories

NOTICE = "penalty_notice"  # 行政处罚告知书


def build(province: dict) -> dict:
    today = timezone.localdate()
    factories.enforcement_catalogs(agency=province["provincial"])
    sub = province["a"]
    o1 = factories.officer(agency=sub, full_name="李明")
    o2 = factories.officer(agency=sub, full_name="王强")
    o3 = factories.officer(agency=sub, full_name="张华")
    head = factories.head(agency=sub, full_name="赵局长")
    mine = factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿")
    late = factories.decided_case(officers=[o1, o2], head=head, mine=mine)
    expired = factories.decided_case(
        officers=[o3, factories.officer(agency=sub, full_name="孙亮")],
        head=head,
        mine=factories.mine(agency=sub, name="测试省恒昌煤业有限公司恒昌煤矿"),
    )
    # The prior notice of the first case voided: its stage lacks the document.
    notice = Document.objects.get(
        subject_type="cases.case", subject_id=str(late.pk), type_code=NOTICE
    )
    document_void(actor=head, document=notice, reason="告知书记载有误（测试）。")
    # Its decision was published 5 days after the due date.
    due = today - datetime.timedelta(days=10)
    Publication.objects.update_or_create(
        source_type="cases.case",
        source_id=str(late.pk),
        defaults={
            "agency": sub,
            "category": "penalty",
            "title": "行政处罚决定公示（测试）",
            "decided_on": today - datetime.timedelta(days=20),
            "due_on": due,
            "first_published_at": timezone.now() - datetime.timedelta(days=5),
            "mine": mine,
        },
    )
    # The second case's officer 孙亮 had a certificate that expired before the decision.
    sun = expired.officers.get(full_name="孙亮")
    Certificate.objects.filter(holder=sun).update(
        issued_on=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=3),
    )
    legal = factories.staff(
        agency=province["provincial"],
        roles=[Role.LEGAL_REVIEWER],
        has_legal_qualification=True,
        full_name="钱评查",
    )
    rubric = services.rubric_sample_load(actor=legal, agency=province["provincial"])
    return {
        "sub": sub,
        "o1": o1,
        "o2": o2,
        "o3": o3,
        "head": head,
        "legal": legal,
        "late": Case.objects.get(pk=late.pk),
        "expired": Case.objects.get(pk=expired.pk),
        "notice": notice,
        "rubric": rubric,
    }


def open_campaign(world: dict, province: dict, **overrides):
    today = timezone.localdate()
    values = {
        "actor": world["legal"],
        "agency": province["provincial"],
        "title": "2026年度行政处罚案卷评查（测试）",
        "period_from": today - datetime.timedelta(days=60),
        "period_to": today,
        "units": [world["sub"]],
        "share": "1",
        "evaluators": [world["legal"], world["o1"]],
        "rubric": world["rubric"],
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=14),
        "include_inspections": False,
    }
    values.update(overrides)
    return services.campaign_create(**values)
