"""Writes for a case up to its decision: filing, investigation, emergency measures, the case
report, the prior notice, statements, the hearing and the penalty decision.

One service per row of ``workflow.py``. Each checks the row (state, role, team, stage
documents) through ``steps.begin``, then its own preconditions, validates every field (all
errors at once, nothing saved on error), issues the row's document and appends the ledger
event. What happens after the decision is in ``execution.py``.

Re-exported here so that callers import ``sanxiang.cases.services``; the modules split by
workflow: ``filing``, ``investigation``, ``report``, ``notice`` (prior notice, statements,
hearing) and ``decision``; ``common`` holds what they share, execution (``execution.py``)
included.
"""

from .common import MONEY_MAX, money
from .decision import decision_issue
from .filing import case_file, case_filing_approve, case_filing_refuse
from .investigation import (
    ACT_DOCUMENTS,
    ACT_STAGES,
    ITEM_KINDS,
    SEALING,
    case_investigation_record,
    emergency_measure_execute,
)
from .notice import (
    hearing_hold,
    hearing_request,
    notice_close,
    prior_notice_issue,
    statement_record,
)
from .report import case_reinvestigate, case_report_approve, case_report_return, case_report_submit

__all__ = [
    "ACT_DOCUMENTS",
    "ACT_STAGES",
    "ITEM_KINDS",
    "MONEY_MAX",
    "SEALING",
    "case_file",
    "case_filing_approve",
    "case_filing_refuse",
    "case_investigation_record",
    "case_reinvestigate",
    "case_report_approve",
    "case_report_return",
    "case_report_submit",
    "decision_issue",
    "emergency_measure_execute",
    "hearing_hold",
    "hearing_request",
    "money",
    "notice_close",
    "prior_notice_issue",
    "statement_record",
]
