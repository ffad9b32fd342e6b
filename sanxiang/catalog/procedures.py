"""GS-PRE-2.4: the registry of workflow tables the published procedures draw their flowcharts from.

A procedure guide names a workflow key. When the key is registered here, the portal draws
the flowchart from that module's ``TRANSITIONS`` table — the same table the services enforce —
so the published procedure cannot drift from the system. A guide whose workflow is not built
yet is shown as text only. Adding a workflow later is one line in ``WORKFLOW_TABLES``.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sanxiang.core.flowchart import render_workflow, transition_rows

# Workflow keys a guide may name, built or planned.
WORKFLOW_NAMES = {
    "catalog_publication": _("执法公示信息审核发布流程"),
    "licensing": _("行政许可流程"),
    "inspection": _("行政检查流程"),
    "coercion": _("行政强制流程"),
    "penalty": _("行政处罚流程"),
    "legal_review": _("重大执法决定法制审核流程"),
    "complaint": _("投诉举报办理流程"),
    "simple_penalty": _("当场行政处罚（简易程序）流程"),
    "payment_deferral": _("暂缓或分期缴纳罚款流程"),
    "recusal": _("回避流程"),
    "case_extension": _("延长办案期限流程"),
}

# Keys whose transition table exists: key → module with TRANSITIONS (and STATES, INITIAL).
WORKFLOW_TABLES = {
    "catalog_publication": "sanxiang.catalog.workflow",
    "licensing": "sanxiang.licensing.workflow",
    "inspection": "sanxiang.inspections.workflow",
    "penalty": "sanxiang.cases.workflow",
    "legal_review": "sanxiang.review.workflow",
    "complaint": "sanxiang.complaints.workflow",
    # The procedure branches of a penalty case (ADR 0205): "module:NAME" names a table object.
    "coercion": "sanxiang.cases.branch_workflow:FLOWCHARTS.coercion",
    "simple_penalty": "sanxiang.cases.branch_workflow:FLOWCHARTS.simple_penalty",
    "payment_deferral": "sanxiang.cases.branch_workflow:FLOWCHARTS.payment_deferral",
    "recusal": "sanxiang.cases.branch_workflow:FLOWCHARTS.recusal",
    "case_extension": "sanxiang.cases.branch_workflow:FLOWCHARTS.case_extension",
}


def workflow_module(key: str):
    path = WORKFLOW_TABLES.get(key)
    if not path:
        return None
    module_path, _colon, name = path.partition(":")
    module = importlib.import_module(module_path)
    if name:
        table, _dot, entry = name.partition(".")
        module = getattr(module, table)
        return module[entry] if entry else module
    return module


def workflow_chart(key: str) -> SafeString | None:
    """The SVG flowchart of workflow ``key``, or None while that workflow is not built."""
    return _chart(key, get_language())


def workflow_steps(key: str) -> list[tuple[str, str, str]]:
    """The same table as text rows (from, action, to), for print and screen readers."""
    module = workflow_module(key)
    if module is None:
        return []
    return list(transition_rows(module.TRANSITIONS, getattr(module, "STATES", None)))


@lru_cache(maxsize=64)
def _chart(key: str, language: str | None) -> SafeString | None:
    module = workflow_module(key)
    if module is None:
        return None
    return render_workflow(module, title=str(WORKFLOW_NAMES.get(key, key)))
