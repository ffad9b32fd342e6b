"""What the case-file evaluation says about one officer, for his certificate's annual review
(年审, BZ-3; ADR 0229).

No statute says how an evaluation counts at the 年审, so the rule is a sample data file
(``data/evaluation_review_rule.json``, 示例): a file scored 不合格 in the year counts against an
officer who handled it (承办人员 of the case or inspection) when one of its confirmed findings is
a defect attributable to him — a pre-fill check the file lists (for checks that name a person,
such as an invalid certificate, only the person named: the finding links to his page), or a
defect the evaluator recorded himself. More such files than ``max_failed_files`` fail the
review; each is a reason in words, naming the campaign, the file and the defects.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.org.models import Staff

from ..catalogs import evaluation_review_rule
from ..models_evaluation import (
    EvaluationFile,
    FileStatus,
    FindingSource,
    FindingState,
    Grade,
)


@dataclass(frozen=True)
class FailedFile:
    file: EvaluationFile
    defects: list[str]

    @property
    def reason(self) -> str:
        return _("案卷评查“%(c)s”中，其承办的《%(t)s》评为不合格：%(d)s。") % {
            "c": self.file.campaign.title,
            "t": self.file.title,
            "d": "；".join(self.defects),
        }


def _attributable(finding, officer: Staff, rule: dict) -> bool:
    if finding.source == FindingSource.EVALUATOR:
        return bool(rule.get("evaluator_findings"))
    if finding.check_code not in rule["attributable_checks"]:
        return False
    if finding.check_code in rule.get("named_checks", []):
        return finding.evidence_url == reverse("org:staff_detail", args=[officer.pk])
    return True


def failed_files(officer: Staff, year: int) -> list[FailedFile]:
    """The officer's files scored 不合格 in ``year`` for a defect attributable to him."""
    rule = evaluation_review_rule()
    files = (
        EvaluationFile.objects.filter(
            status=FileStatus.SCORED, grade=Grade.FAIL, scored_at__year=year
        )
        .filter(Q(case__officers=officer) | Q(inspection__officers=officer))
        .select_related("campaign")
        .prefetch_related("findings")
        .distinct()
        .order_by("scored_at", "pk")
    )
    out = []
    for file in files:
        defects = [
            f.text
            for f in file.findings.all()
            if f.state == FindingState.CONFIRMED and _attributable(f, officer, rule)
        ]
        if defects:
            out.append(FailedFile(file, defects))
    return out


def review_reasons(officer: Staff, year: int) -> list[str]:
    """The 年审 reasons from the evaluation: none while the files stay within the sample rule's
    allowance; else one per file, then the rule's source."""
    found = failed_files(officer, year)
    rule = evaluation_review_rule()
    if len(found) <= int(rule["max_failed_files"]):
        return []
    return [
        *(f.reason for f in found),
        _("按“%(t)s”，承办案卷评为不合格超过%(n)d卷的，年审不予通过。")
        % {"t": rule["title"], "n": int(rule["max_failed_files"])},
    ]
