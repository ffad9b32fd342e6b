"""The one next step of a case, for dashboards: what moves the case forward now, and whose turn
it is. The case page lists every step the user may take (补充调查, 退回, 不予立案 …); a dashboard
names only the step that carries the case on — and a case whose major decision still needs its
legal review is due for 送法制审核, whatever else the table allows (SH-SCOPE-1)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.org.models import Staff

from .models import Case
from .steps import steps_for

#: Rows that turn a case back, aside or stop it; never offered as “the next step”.
SIDE_STEPS = frozenset(
    {
        "refuse_filing",
        "return_report",
        "reinvestigate",
        "request_hearing",
        "apply_court",
        "emergency_measure",
        "investigate",
        "statement",
        "payment",
        "propose_additional_fine",
        "impose_additional_fine",
        "propose_court_enforcement",
    }
)


@dataclass(frozen=True)
class NextStep:
    label: str
    url: str = ""
    waiting: bool = False  # someone else's turn (the review office)


def next_step(
    user: Staff,
    case: Case,
    *,
    to_submit: dict[int, int],
    in_review: set[int],
    returned: dict[int, int],
) -> NextStep | None:
    """``to_submit``: case → proposal of the user's cases whose major decision needs a review
    and has none open; ``in_review``: cases whose review is with the review office;
    ``returned``: case → review waiting for the case side. None: not the user's turn."""
    if case.pk in returned:
        return NextStep(
            _("按法制审核意见处理后重新送审"), reverse("review:detail", args=[returned[case.pk]])
        )
    if case.pk in to_submit:
        return NextStep(_("送法制审核"), reverse("review:submit", args=[to_submit[case.pk]]))
    if case.pk in in_review:
        return NextStep(_("等待法制审核意见"), waiting=True)
    for step in steps_for(user, case):
        if step.action not in SIDE_STEPS:
            return NextStep(str(step.label), reverse("cases:step", args=[case.pk, step.action]))
    return None
