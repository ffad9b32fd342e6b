"""案卷评查 (JL-USE-1; ADR 0160): the verifiable draw, the pre-fill with its evidence links, the
basic standard that fails a file, the report, the evaluator's ground and its end.

Two tests on one world each (building it is what costs)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.archive.reading import unit_grant  # noqa: F401  (same ground as documents)
from sanxiang.core import draw as algorithm
from sanxiang.documents.access import document_grant
from sanxiang.documents.models import Document
from sanxiang.ledger.models import LedgerEntry
from sanxiang.supervision.evaluation import scoring, services
from sanxiang.supervision.evaluation.report import campaign_report_pdf
from sanxiang.supervision.models import FindingState, Grade

from .evaluation_world import build, open_campaign

# The cases' documents are rendered but not typeset here (the campaign report is).
pytestmark = pytest.mark.usefixtures("documents_not_typeset")

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def world(province):
    return build(province)


@pytest.mark.django_db
def test_the_draw_reruns_from_its_published_seed_and_never_gives_a_file_to_its_team(
    world, province, tmp_path
):
    campaign = open_campaign(world, province)
    campaign = services.campaign_commit(actor=world["legal"], campaign=campaign)
    before = services.published_inputs(campaign)
    assert "seed" not in before and before["commitment"] == campaign.commitment
    committed = LedgerEntry.objects.get(action="evaluation.campaign_commit")
    assert json.loads(committed.body)["details"]["commitment"] == campaign.commitment
    campaign = services.campaign_draw(actor=world["legal"], campaign=campaign)
    published = json.loads(json.dumps(services.published_inputs(campaign)))  # as downloaded
    rerun = algorithm.sample_from_published(published)
    assert rerun.files == campaign.result["files"] == [f.key for f in campaign.files.order_by("pk")]
    assert rerun.assignments == campaign.result["assignments"]
    # The one program anyone downloads (/public/draws/draw.py) re-runs it too.
    path = tmp_path / "campaign.json"
    path.write_text(json.dumps(published), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-I", str(ROOT / "sanxiang" / "core" / "draw.py"), str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["files"] == campaign.result["files"]
    with pytest.raises(ValueError):
        algorithm.sample_from_published(dict(published, seed="11" * 32))
    # A smaller share draws ceil(share × n) per unit from the same program.
    half = algorithm.sample_from_published(dict(published, share=0.5))
    assert len(half.files) == 1

    # 李明 handled the first case: excluded by the draw, refused by reassignment and scoring.
    late = campaign.files.get(case=world["late"])
    exclusion = {"file": late.key, "evaluator": world["o1"].pk, "reason": services.TEAM_REASON}
    assert exclusion in campaign.inputs["exclusions"]
    assert late.evaluator == world["legal"]
    with pytest.raises(ValidationError) as refused:
        services.file_assign(actor=world["legal"], file=late, evaluator=world["o1"])
    assert "应当回避" in refused.value.message_dict["evaluator"][0]
    with pytest.raises(PermissionDenied):
        scoring.finding_add(
            actor=world["o1"], file=late, item_code="form_formats", text="x", deduction=1
        )


@pytest.mark.django_db
def test_prefill_scoring_report_and_the_ground_that_ends_with_the_campaign(
    world, province, tmp_path
):
    campaign = open_campaign(world, province, evaluators=[world["legal"]])
    campaign = services.campaign_commit(actor=world["legal"], campaign=campaign)
    campaign = services.campaign_draw(actor=world["legal"], campaign=campaign)
    legal = world["legal"]

    # The missing document and the late publication are named, each with its link.
    late = campaign.files.get(case=world["late"])
    findings = {f.check_code: f for f in late.findings.all()}
    missing = findings["document_missing"]
    assert (
        "行政处罚告知书" in missing.text and missing.evidence_url == f"/cases/{world['late'].pk}/"
    )
    assert findings["document_voided"].evidence_url == f"/documents/{world['notice'].pk}.pdf"
    published = findings["publication_late"]
    assert "公示逾期" in published.text and published.evidence_url.startswith("/publicity/")
    assert published.item_code == "content_publication" and published.state == FindingState.PROPOSED

    # The evaluator reads the file's documents on his ground: view only.
    decision = Document.objects.get(pk=world["late"].decision_document_id)
    grant = document_grant(legal, decision)
    assert grant.view and not grant.download and grant.ground == f"evaluation:{campaign.pk}"
    assert not document_grant(world["o3"], decision).view  # another officer: no ground

    # An officer whose certificate had expired: 不合格 by the basic standard (一票否决).
    expired = campaign.files.get(case=world["expired"])
    cert = expired.findings.get(check_code="certificate_invalid")
    assert "孙亮" in cert.text and "已过期" in cert.text and cert.item_kind == "basic"
    with pytest.raises(ValidationError) as refused:
        scoring.file_score(actor=legal, file=expired, opinion="评定。")
    assert "未确认" in str(refused.value.message_dict["opinion"])
    with pytest.raises(ValidationError) as no_reason:
        scoring.finding_decide(actor=legal, finding=cert, accept=False, reason=" ")
    assert no_reason.value.message_dict["reason"] == ["不予采纳须说明理由。"]
    for finding in expired.findings.all():
        scoring.finding_decide(actor=legal, finding=finding, accept=True)
    expired = scoring.file_score(actor=legal, file=expired, opinion="执法人员执法证已过期。")
    assert expired.basic_failed and expired.grade == Grade.FAIL
    assert expired.total >= 70  # the points alone would have passed

    for finding in late.findings.all():
        scoring.finding_decide(actor=legal, finding=finding, accept=True)
    late = scoring.file_score(actor=legal, file=late, opinion="告知书作废未补正，公示逾期。")
    lost = sum(f.deduction for f in late.findings.all())  # within each item's points here
    assert late.total == 100 - lost and late.grade == Grade.EXCELLENT and not late.basic_failed
    scoring.rectification_request(
        actor=legal,
        file=late,
        requirements="补正告知书，按期公示。",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )

    # The report for the heads, read back.
    path = tmp_path / "report.pdf"
    path.write_bytes(campaign_report_pdf(campaign))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = "".join(text.split())  # lines wrap anywhere in Chinese
    assert "评查情况报告" in text
    assert "共抽取案卷2卷，已评定2卷：优秀1卷，合格0卷，不合格1卷（其中基本标准不达标1卷）" in text
    assert "测试省局甲分局" in text and "待整改" in text

    # The ground ends with the campaign.
    services.campaign_close(actor=legal, campaign=campaign)
    assert not document_grant(legal, decision).view


@pytest.mark.django_db
def test_a_file_failed_for_his_own_defect_counts_against_the_officer_at_the_annual_review(
    world, province
):
    """ADR 0229 (sample rule, 示例): a file scored 不合格 counts at the 年审 of the officer the
    attributable defect names; his colleague on the same file and the officers of a file that
    passed are not touched."""
    from sanxiang.org.models import Certificate
    from sanxiang.supervision.training.services import annual_review_check

    campaign = open_campaign(world, province, evaluators=[world["legal"]])
    campaign = services.campaign_commit(actor=world["legal"], campaign=campaign)
    campaign = services.campaign_draw(actor=world["legal"], campaign=campaign)
    legal, year = world["legal"], timezone.localdate().year
    sun = world["expired"].officers.get(full_name="孙亮")

    def reasons(person):
        certificate = Certificate.objects.filter(holder=person).order_by("-expires_on").first()
        check = annual_review_check(
            certificate=certificate, year=year, evaluation_result="competent"
        )
        return [r for r in check.reasons if "案卷评查" in r]

    expired = campaign.files.get(case=world["expired"])
    assert reasons(sun) == []  # drawn, not yet scored
    for finding in expired.findings.all():
        scoring.finding_decide(actor=legal, finding=finding, accept=True)
    scoring.file_score(actor=legal, file=expired, opinion="执法人员执法证已过期。")
    against = reasons(sun)
    assert "评为不合格" in against[0] and "孙亮" in against[0] and "已过期" in against[0]
    assert "示例" in against[-1]
    # 张华 handled the same file, but the certificate defect names 孙亮 only.
    assert reasons(world["o3"]) == []

    late = campaign.files.get(case=world["late"])
    for finding in late.findings.all():
        scoring.finding_decide(actor=legal, finding=finding, accept=True)
    late = scoring.file_score(actor=legal, file=late, opinion="告知书作废未补正。")
    assert late.grade == Grade.EXCELLENT and reasons(world["o1"]) == []  # a file that passed


@pytest.mark.django_db
def test_a_number_missing_from_a_register_the_file_used_is_named(world):
    """Numbers are taken without gaps and voided ones keep their row: a number below the
    register's last value without a row is a gap, named for the evaluator (JL-TXT-3b)."""
    from sanxiang.documents.models import NumberSequence
    from sanxiang.supervision.evaluation import prefill

    case = world["late"]
    assert not [p for p in prefill.for_case(case) if p.check == "document_number_gap"]

    decision = Document.objects.select_related("number").get(pk=case.decision_document_id)
    number = decision.number
    register = NumberSequence.objects.filter(
        agency_id=number.agency_id, type_code=number.type_code, year=number.year
    )
    last = register.get().last_value
    register.update(last_value=last + 2)  # two numbers taken whose rows went missing

    gaps = [p for p in prefill.for_case(case) if p.check == "document_number_gap"]
    assert len(gaps) == 1
    assert f"已取号至{last + 2}号，缺少{last + 1}号、{last + 2}号的登记" in gaps[0].text
    assert f"{number.year}年“{number.type_code}”字" in gaps[0].text
    assert gaps[0].evidence_url == f"/cases/{case.pk}/"

    register.update(last_value=last + 12)
    (gap,) = [p for p in prefill.for_case(case) if p.check == "document_number_gap"]
    assert gap.text.endswith(f"{last + 10}号等12个的登记")
