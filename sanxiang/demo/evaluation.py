"""The demo's 案卷评查 campaign (issue 16 item 1, ADR 0160), on the real clock after the archive.

The province's legal office (法规处, ``reviewer07``) evaluates all the files of the eastern
sub-bureau decided or closed in the last 90 days — the closed case, the closed inspections and
the two cases ``evaluation_files.py`` handled weeks ago (a voided notice and a late
publication; an officer whose certificate had lapsed by the decision) — with the sample rubric
(示例). The share is 1, so those two are drawn whatever the seed (ADR 0227). The seed is committed and the files drawn, so the campaign runs: the
provincial reviewers find their tasks on the dashboard and the pre-filled findings on each file;
the officer who handled the closed case is in the evaluator list and is excluded from it.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.org.models import Agency, Staff
from sanxiang.supervision.evaluation import services

log = logging.getLogger(__name__)


def load_demo_evaluation(*, province: Agency) -> None:
    east = province.children.order_by("pk").first()
    reviewers = list(
        Staff.objects.filter(agency=province, role_grants__role="legal_reviewer").order_by(
            "username"
        )
    )
    if east is None or not reviewers:
        return
    organiser = reviewers[0]
    today = timezone.localdate()
    closed = Case.objects.filter(agency=east, closed_on__isnull=False).order_by("pk").first()
    handler = closed.officers.order_by("username").first() if closed else None
    rubric = services.rubric_sample_load(actor=organiser, agency=province, today=today)
    try:
        campaign = services.campaign_create(
            actor=organiser,
            agency=province,
            title=f"{today.year}年度行政执法案卷评查（示例）",
            period_from=today - datetime.timedelta(days=90),
            period_to=today,
            units=[east],
            share="1",
            evaluators=[*reviewers, *([handler] if handler else [])],
            rubric=rubric,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=30),
        )
        campaign = services.campaign_commit(actor=organiser, campaign=campaign)
        services.campaign_draw(actor=organiser, campaign=campaign)
    except ValidationError as exc:  # nothing closed in the period: the demo goes on without it
        log.warning("demo evaluation campaign not drawn: %s", exc)
