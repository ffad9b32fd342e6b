"""The 案卷评查 acceptance on the demo's own data (issue 16 item 1, ADR 0227), called from the
statistics test so the demo is loaded once for both (a load costs about a minute).

The demo's campaign (``sanxiang/demo/evaluation.py``) draws every file of the eastern
sub-bureau decided in the last 90 days; among them the two cases ``demo/evaluation_files.py``
handled weeks ago: the late case (notice voided, publication late) and the lapsed case
(``officer15`` decided after his certificate had expired)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sanxiang.cases.models import Case
from sanxiang.core import draw as algorithm
from sanxiang.demo.evaluation_files import LAPSED_OFFICER, NOTICE
from sanxiang.documents.models import Document
from sanxiang.supervision.evaluation import scoring, services
from sanxiang.supervision.evaluation.report import campaign_report_pdf
from sanxiang.supervision.models import Campaign, Grade

ROOT = Path(__file__).resolve().parents[3]


def check_demo_campaign(tmp_path: Path) -> Campaign:
    campaign = Campaign.objects.get(title__contains="案卷评查（示例）")

    # The draw re-runs from its published inputs and seed, in-process and by the public program.
    published = json.loads(json.dumps(services.published_inputs(campaign)))
    rerun = algorithm.sample_from_published(published)
    assert rerun.files == campaign.result["files"] == [f.key for f in campaign.files.order_by("pk")]
    assert rerun.assignments == campaign.result["assignments"]
    path = tmp_path / "campaign.json"
    path.write_text(json.dumps(published), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-I", str(ROOT / "sanxiang" / "core" / "draw.py"), str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["files"] == campaign.result["files"]

    # The late case: the voided notice (its stage lacks it) and the late publication, linked.
    voided = Document.objects.get(subject_type="cases.case", type_code=NOTICE, status="voided")
    late = campaign.files.get(case_id=int(voided.subject_id))
    findings = {f.check_code: f for f in late.findings.all()}
    missing = findings["document_missing"]
    assert "行政处罚告知书" in missing.text
    assert missing.evidence_url == f"/cases/{voided.subject_id}/"
    assert findings["document_voided"].evidence_url == f"/documents/{voided.pk}.pdf"
    publication = findings["publication_late"]
    assert "公示逾期" in publication.text and publication.evidence_url.startswith("/publicity/")

    # The lapsed case: officer15's certificate had expired on the day of the decision.
    handler = f"officer{LAPSED_OFFICER:02d}"
    lapsed = campaign.files.get(case=Case.objects.get(officers__username=handler))
    cert = lapsed.findings.get(check_code="certificate_invalid")
    assert "已过期" in cert.text and cert.item_kind == "basic"
    evaluator = lapsed.evaluator
    assert evaluator.username != handler
    for finding in lapsed.findings.all():
        scoring.finding_decide(actor=evaluator, finding=finding, accept=True)
    lapsed = scoring.file_score(actor=evaluator, file=lapsed, opinion="承办人员执法证已过期。")
    assert lapsed.basic_failed and lapsed.grade == Grade.FAIL

    # The report for the heads shows the totals, read back with pdftotext.
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(campaign_report_pdf(campaign))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = "".join(text.split())
    drawn = campaign.files.count()
    assert drawn >= 2
    assert (
        f"共抽取案卷{drawn}卷，已评定1卷：优秀0卷，合格0卷，不合格1卷（其中基本标准不达标1卷）"
        in text
    ), text[:600]
    return campaign
