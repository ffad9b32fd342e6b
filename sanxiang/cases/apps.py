from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sanxiang.cases"
    label = "cases"
    verbose_name = _("行政处罚案件")

    def ready(self) -> None:
        from sanxiang.core.grounds import register_subject_ground, register_subject_team

        from .selectors import case_head_approval, case_team_ids

        register_subject_team("cases.case", case_team_ids)

        from sanxiang.registry.timeline import register_mine_subjects, register_timeline_source

        from . import minefile

        register_timeline_source(minefile.feeds)
        register_mine_subjects("cases.case", minefile.cases_of)
        register_subject_ground("cases.case", "head-approval", case_head_approval)
        _register_action_labels()


def _register_action_labels() -> None:
    """The ledger's words for the branch, appeal and transfer steps: their tables' own labels."""
    from django.utils.text import format_lazy

    from sanxiang.ledger.actions import register_labels

    from .appeal_workflow import APPEAL_TRANSITIONS, TRANSFER_TRANSITIONS
    from .branch_workflow import TABLES

    register_labels(
        {
            f"case.branch_{kind}_{row.action}": format_lazy("{}：{}", kind.label, row.label)
            for kind, rows in TABLES.items()
            for row in rows
        }
    )
    register_labels(
        {
            f"case.appeal_{row.action}": format_lazy("{}：{}", _("复议、诉讼"), row.label)
            for row in APPEAL_TRANSITIONS
        }
    )
    register_labels(
        {
            f"case.transfer_{row.action}": format_lazy("{}：{}", _("涉嫌犯罪移送"), row.label)
            for row in TRANSFER_TRANSITIONS
        }
    )
