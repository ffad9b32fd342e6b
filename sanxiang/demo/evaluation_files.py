"""Two eastern files for the demo's 案卷评查 to find fault with (issue 16 item 1, ADR 0227),
handled on the days they happened, on the history's demo clock (``results.Timeline``).

Why on the clock: a publication is late only once its due date (7 working days after the
decision, GS-POST-1) has passed, and a certificate "expired on the day" only when the day of
the act came after its expiry — neither can happen to a case decided on the day the demo is
loaded. So these two cases are handled weeks before today, in the same timeline as the
publicity history (the ledger's times stay in order):

* **the late case** — decided about six weeks ago; its 行政处罚告知书 was voided afterwards
  (示例: 记载有误) and never reissued, so the stage lacks its document; its publication was
  confirmed at once but reviewed and approved only after its due date (公示逾期);
* **the lapsed case** — ``officer15``'s certificate lapses ``LAPSED_DAYS_AGO`` days before
  the demo is loaded (``demo_load``); he inspected with a colleague while it was valid and the
  case was decided, naming him as 承办人员, after it had lapsed: the evaluation's basic
  standard (执法人员具有执法资格) fails the file. Its publication is on time.

Both are decided within the demo campaign's period and in its unit, and the campaign draws its
whole share (``share = 1``): they are certain to be drawn (``evaluation.py``).
Only the officers these cases need have their certificates registered before them (a step of
this timeline); everyone else's are registered after the history, as before.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sanxiang.cases import services as cases
from sanxiang.cases.models import Case
from sanxiang.documents.models import Document
from sanxiang.documents.services import document_void
from sanxiang.org.models import Agency, Staff
from sanxiang.publicity import services as publicity

from .enforcement import Demo
from .results import Timeline, WorkDays, moment

LAPSED_OFFICER = 15  # officer15 of the eastern sub-bureau (one of the demo's lapsed certificates)
LAPSED_DAYS_AGO = 21
LATE_CAUSE_MINE, LAPSED_CAUSE_MINE = 20, 21  # indexes into the eastern sub-bureau's mines
NOTICE = "penalty_notice"  # 行政处罚告知书
VOID_REASON = "告知书记载的陈述申辩期限有误（示例）。"


def _staff(username: str) -> Staff:
    return Staff.objects.get(username=username)


class EvaluationFiles:
    """Schedules the two cases on the history's timeline; ``register(entry)`` issues one of the demo's
    certificate entries (``{"holder": …, "number": …, "issued_on": …, "expires_on": …}``)."""

    def __init__(
        self,
        *,
        province: Agency,
        certificates: list[dict],
        register: Callable[[dict], None],
        today: datetime.date,
    ):
        self.east = province.children.order_by("pk").first()
        self.register, self.today = register, today
        self.entries = {e["holder"].username: e for e in certificates}
        self.days = WorkDays(today - datetime.timedelta(days=120), today)
        self.registered: set[int] = set()

    # --- steps ---------------------------------------------------------------------------

    def _certificates(self, usernames: list[str]) -> None:
        for name in usernames:
            entry = self.entries[name]
            self.register(entry)
            self.registered.add(entry["holder"].pk)

    def _file(self, pair: list[str], mine_index: int, fine: str) -> Callable[[], None]:
        def step():
            demo = Demo(self.east)
            officers = [_staff(n) for n in pair]
            case = demo.case(officers, demo.mines[mine_index])
            demo.to_notice(case, officers, fine)
            self.cases[tuple(pair)] = case.pk

        return step

    def _decide(self, pair: list[str]) -> Callable[[], None]:
        def step():
            demo = Demo(self.east)
            officers = [_staff(n) for n in pair]
            case = Case.objects.get(pk=self.cases[tuple(pair)])
            case = demo.close_notice(case, officers)
            cases.decision_issue(actor=demo.head, case=case)

        return step

    def _publish(self, pair: list[str], drafted: datetime.date, approved: datetime.date) -> None:
        editor = self.east.staff.get(username__startswith="editor")
        reviewer = (
            self.east.staff.filter(role_grants__role="legal_reviewer").order_by("username").first()
        )
        state: dict = {}

        def draft():
            publication = publicity.publication_draft_for_case(
                case_id=self.cases[tuple(pair)], actor=editor
            )
            state["p"] = publicity.publication_confirm(
                actor=editor, publication=publication, confirmed=True
            )

        def review():
            state["p"] = publicity.publication_review(
                actor=reviewer, publication=state["p"], opinion="经审查，同意公开。"
            )

        def approve():
            head = self.east.staff.get(username__startswith="head")
            publicity.publication_approve(actor=head, publication=state["p"], opinion="同意公开。")

        self.timeline.at(moment(drafted, 15), draft)
        self.timeline.at(moment(self.days.before(approved, 1), 10), review)
        self.timeline.at(moment(approved, 16), approve)

    def _void_notice(self, pair: list[str]) -> None:
        case_id = self.cases[tuple(pair)]
        notice = Document.objects.get(
            subject_type="cases.case", subject_id=str(case_id), type_code=NOTICE
        )
        document_void(
            actor=self.east.staff.get(username__startswith="head"),
            document=notice,
            reason=VOID_REASON,
        )

    # --- the plan --------------------------------------------------------------------------

    def schedule(self, timeline: Timeline) -> None:
        self.timeline = timeline
        if self.east is None:
            return
        self.cases: dict[tuple[str, ...], int] = {}
        d = self.days
        late, lapsed = ["officer01", "officer02"], ["officer16", f"officer{LAPSED_OFFICER:02d}"]
        expired = self.entries[lapsed[1]]["expires_on"]
        first = d.before(self.today, 32)
        self.timeline.at(moment(first, 8), lambda: self._certificates([*late, *lapsed]))

        # The late case: notice, decision two working days later, publication past its due date.
        self.timeline.at(moment(first, 10), self._file(late, LATE_CAUSE_MINE, "6000"))
        decided = d.after(first, 2)
        self.timeline.at(moment(decided, 10), self._decide(late))
        due = d.after(decided, 7)
        self._publish(late, d.after(decided, 1), d.after(due, 3))
        self.timeline.at(moment(d.after(due, 5), 11), lambda: self._void_notice(late))

        # The lapsed case: inspected and noticed before the certificate lapsed, decided after.
        self.timeline.at(
            moment(d.before(expired, 3), 10), self._file(lapsed, LAPSED_CAUSE_MINE, "5000")
        )
        decided = d.after(expired, 2)
        self.timeline.at(moment(decided, 10), self._decide(lapsed))
        self._publish(lapsed, d.after(decided, 1), d.after(decided, 3))


def lapsed_expiry(today: datetime.date) -> datetime.date:
    """The expiry date ``demo_load`` gives ``officer15``'s certificate."""
    return today - datetime.timedelta(days=LAPSED_DAYS_AGO)
