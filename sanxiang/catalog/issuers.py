"""JL-TXT-1: which service issues each document type of the catalog (ADR 0205).

A catalog type no service issues can be published but never made; the audit found four. This
list names, for every type of the sample catalog (``data/document_type.csv``), the service that
issues it; ``catalog/tests/test_issuers.py`` walks the catalog against it and checks that each
service exists and names the type (literally, or as the ``issues`` of a row it takes).
:func:`unissued` tells an agency which of its own types no service issues.
"""

from __future__ import annotations

from collections.abc import Iterable

ISSUERS: dict[str, str] = {
    "inspection_plan": "sanxiang.inspections.services.plans.inspection_plan_approve",
    "onsite_record": "sanxiang.inspections.services.onsite.inspection_complete",
    "onsite_decision": "sanxiang.inspections.services.measures.onsite_measure_take",
    "rectification_order": "sanxiang.inspections.services.measures.onsite_measure_take",
    "withdraw_order": "sanxiang.inspections.services.measures.onsite_measure_take",
    "filing_approval": "sanxiang.cases.services.filing.case_filing_approve",
    "inquiry_record": "sanxiang.cases.services.investigation.case_investigation_record",
    "survey_record": "sanxiang.cases.services.investigation.case_investigation_record",
    "preservation_notice": "sanxiang.cases.branches.branch_start",
    "preservation_decision": "sanxiang.cases.branches.branch_step",
    "sealing_decision": "sanxiang.cases.branches.branch_start",
    "sealing_release": "sanxiang.cases.branches.branch_step",
    "sampling_notice": "sanxiang.cases.services.investigation.case_investigation_record",
    "case_report": "sanxiang.cases.services.report.case_report_submit",
    "penalty_notice": "sanxiang.cases.services.notice.prior_notice_issue",
    "hearing_notice": "sanxiang.cases.services.notice.prior_notice_issue",
    "hearing_record": "sanxiang.cases.services.notice.hearing_hold",
    "review_opinion": "sanxiang.review.services.opinion.opinion_issue",
    "collective_record": "sanxiang.review.disagreement.collective_decision_record",
    "penalty_decision": "sanxiang.cases.services.decision.decision_issue",
    "service_receipt": "sanxiang.cases.execution.service_record",
    "additional_fine": "sanxiang.cases.execution.additional_fine_impose",
    "enforcement_application": "sanxiang.cases.execution.court_enforcement_apply",
    "closure_approval": "sanxiang.cases.execution.case_close",
    "supervision_advice": "sanxiang.inspections.letters.letter_approve",
    "management_opinion": "sanxiang.inspections.letters.letter_approve",
    "criminal_transfer": "sanxiang.cases.transfers.transfer_complete",
    "licensing_acceptance": "sanxiang.licensing.services.applications.accept",
    "licensing_rejection": "sanxiang.licensing.services.applications.reject",
    "licensing_correction": "sanxiang.licensing.services.applications.correction_notice",
    "licensing_grant": "sanxiang.licensing.services.decisions.grant",
    "licensing_denial": "sanxiang.licensing.services.decisions.deny",
    "simple_decision": "sanxiang.cases.branches.branch_start",
    "sealing_extension": "sanxiang.cases.branches.branch_step",
    "payment_deferral": "sanxiang.cases.branches.branch_step",
    "recusal_decision": "sanxiang.cases.branches.branch_step",
    "case_extension": "sanxiang.cases.branches.branch_start",
}


def unissued(codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` (an agency's catalog) that no service issues."""
    return [code for code in codes if code not in ISSUERS]
