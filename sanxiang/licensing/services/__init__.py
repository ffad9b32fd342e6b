"""Writes of the licensing window: one service per transition row (``ROW_SERVICES``)."""

from .applications import (
    OTHER_MATERIAL,
    Material,
    accept,
    applications_deem_accepted,
    correction_complete,
    correction_notice,
    deem_accepted,
    handling_agency,
    licensing_items,
    reject,
    submit_application,
)
from .consultations import consultation_answer, consultation_ask
from .decisions import deny, extend, grant, licence_change, licence_issue, pause, resume

# action of a row in ``workflow.TRANSITIONS`` / ``IN_STATE_ACTIONS`` → its service.
ROW_SERVICES = {
    "correction_notice": correction_notice,
    "correction_complete": correction_complete,
    "accept": accept,
    "deem_accepted": deem_accepted,
    "reject": reject,
    "pause": pause,
    "resume": resume,
    "extend": extend,
    "grant": grant,
    "deny": deny,
    "licence_issue": licence_issue,
}

__all__ = [
    "OTHER_MATERIAL",
    "ROW_SERVICES",
    "Material",
    "accept",
    "applications_deem_accepted",
    "consultation_answer",
    "consultation_ask",
    "correction_complete",
    "correction_notice",
    "deem_accepted",
    "deny",
    "extend",
    "grant",
    "handling_agency",
    "licence_change",
    "licence_issue",
    "licensing_items",
    "pause",
    "reject",
    "resume",
    "submit_application",
]
