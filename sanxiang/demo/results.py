"""Demo result publications (issue 7): last year's and this year's 双公示 records of the three
sub-bureaus, made through the publicity services, each step on the day it happened.

Why a clock: GS-POST-1 measures a publication from the decision to the day it was released,
and the ledger records when each step was taken. Results decided over the past two years but
all released on the day the demo is loaded would all be late and all dated today. So the demo
province goes live at the start of last year (``go_live``) and ``load_demo_results`` plays
the publicity work of the months since, in time order, on ``DemoClock``: the editor types in
the decision (``publication_manual_create``; the demo does not run sixty cases through the
whole procedure), withholds what the scanner missed and confirms the redaction, a legal
reviewer reviews, the head approves (which publishes); a few are released late, one is
revised, one withdrawn after its decision was revoked on reconsideration, those whose
publicity period has ended expire on the daily sweep, and last year's annual reports are
generated and approved in January. Steps that would fall after the real now are not taken,
so the newest results are still in the pipeline, and a few are left stalled on purpose
(overdue ones for the dashboards).

The facts name people, with phone numbers, ID numbers and addresses, so the redaction shows.
Everything invented is marked 示例; violations, provisions and fine ranges come from the sample
violation compendium.
"""

from __future__ import annotations

import bisect
import datetime
import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from sanxiang.catalog.selectors import compendium_search
from sanxiang.core.workdays import Calendar
from sanxiang.demo.clock import DemoClock
from sanxiang.demo.identities import id_card, person_name
from sanxiang.documents.numbering import format_number
from sanxiang.org.models import Agency, Staff
from sanxiang.publicity import annual
from sanxiang.publicity import services as publicity
from sanxiang.publicity.fields import LONG_TERM, Category
from sanxiang.publicity.models import Publication, WithdrawalReason
from sanxiang.registry.models import CoalMine, Person

RESULTS_PER_UNIT = 20  # plus the stalled and special ones below: about 70 in all
LATE_EVERY = 8  # one result in eight is released after its due date
THIS_YEAR_SHARE = 0.5
# Typed-in numbers of the current year start here, so that they never repeat a number the
# system itself allocates this year (from 1, when the demo's own cases are decided).
THIS_YEAR_NUMBER_BASE = 100
FACES = (
    "3号采煤工作面",
    "15106综采工作面",
    "9103掘进工作面",
    "2202回采工作面",
    "11501综掘工作面",
    "8号煤层掘进工作面",
)
PLACES = ("井下中央变电所", "主斜井绞车房", "二水平水泵房", "副立井井底车场")
INSPECTION_ITEMS = (
    ("通风与瓦斯防治", "安全生产教育和培训"),
    ("事故隐患排查治理",),
    ("特种作业人员持证上岗", "通风与瓦斯防治"),
    ("安全生产教育和培训", "事故隐患排查治理"),
)
INSPECTION_BASIS = "《中华人民共和国安全生产法》第六十五条"


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class WorkDays:
    """The official working days (holidays and 调休 included) from ``start`` on."""

    def __init__(self, start: datetime.date, end: datetime.date):
        calendar = Calendar.load(start, end)
        span = (end - start).days + 1
        days = (start + datetime.timedelta(days=n) for n in range(span))
        self.days = [day for day in days if calendar.is_workday(day)]

    def after(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``day`` (n = 0: ``day`` itself, or the next working day)."""
        index = bisect.bisect_right(self.days, day) if n else bisect.bisect_left(self.days, day)
        return self.days[min(index + max(n - 1, 0), len(self.days) - 1)]

    def before(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day before ``day``."""
        return self.days[max(bisect.bisect_left(self.days, day) - n, 0)]

    def between(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        return self.days[
            bisect.bisect_left(self.days, first) : bisect.bisect_right(self.days, last)
        ]


def go_live(today: datetime.date) -> datetime.datetime:
    """When the demo province started using the system: the first working day of last year."""
    start = datetime.date(today.year - 1, 1, 1)
    first = WorkDays(start, start + datetime.timedelta(days=20)).after(start, 1)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time(9, 0)))


class Timeline:
    """Steps to take at given moments, taken in time order on the demo clock; a step may plan
    further steps. A step planned at or after ``until`` (the real now) is not taken."""

    def __init__(self, clock: DemoClock, until: datetime.datetime):
        self.clock, self.until = clock, until
        self._steps: list[tuple[datetime.datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, moment: datetime.datetime, step: Callable[[], None]) -> bool:
        if moment >= self.until:
            return False
        heapq.heappush(self._steps, (moment, next(self._order), step))
        return True

    def run(self) -> None:
        while self._steps:
            moment, _order, step = heapq.heappop(self._steps)
            self.clock.set(moment)
            step()


def moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass
class Unit:
    """One sub-bureau's publicity team and what it publishes about."""

    agency: Agency
    editor: Staff
    reviewers: list[Staff]
    head: Staff
    mines: list[CoalMine]
    persons: list[Person]
    numbers: Counter = field(default_factory=Counter)

    def number(self, code: str, day: datetime.date, this_year: int) -> str:
        self.numbers[code, day.year] += 1
        sequence = self.numbers[code, day.year]
        if day.year == this_year:
            sequence += THIS_YEAR_NUMBER_BASE
        return format_number(self.agency, code, day.year, sequence)


@dataclass
class Result:
    """One decision to publish, and how far its publication goes (``fate``)."""

    unit: Unit
    category: str
    decided: datetime.date
    mine: CoalMine
    fields: dict[str, str]
    code: str  # the document's short code in its number (罚, 检记, 封扣)
    person: Person | None = None
    fate: str = "published"  # or late, draft, confirmed, reviewed, returned, revised, withdrawn
    withhold: tuple[str, str, str] | None = None  # (field, text, note) the scanner misses
    publication: Publication | None = None


class Writer:
    """The 双公示 values of demo decisions: violations from the sample compendium, facts with
    the personal data a real record holds before redaction."""

    def __init__(self, rng: random.Random, agency: Agency, avoid: set[str]):
        self.rng = rng
        self.entries = {e.code: e for e in compendium_search(agency=agency)}
        self.avoid = {name for name in avoid if name}

    def name(self) -> str:
        """A new person's name, not part of any public one (officers' names are published,
        GS-PRE-2.1) nor containing one, so what is withheld is found nowhere else."""
        while True:
            candidate = person_name(self.rng)
            if not any(candidate in known or known in candidate for known in self.avoid):
                self.avoid.add(candidate)
                return candidate

    def found_on(self, decided: datetime.date) -> datetime.date:
        """When the facts were found: some weeks before the decision."""
        return decided - datetime.timedelta(days=self.rng.randrange(18, 50))

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def fine(self, code: str, severity: str | None = None) -> Decimal:
        """A round amount (yuan) within the discretion benchmark of ``code``."""
        benchmarks = [b for b in self.entries[code].benchmarks.all() if b.fine_max]
        if severity:
            benchmarks = [b for b in benchmarks if b.severity == severity] or benchmarks
        benchmark = self.rng.choice(benchmarks)
        low = int(benchmark.fine_min or 10000)
        steps = range(low, int(benchmark.fine_max) + 1, 5000)
        return Decimal(self.rng.choice(list(steps)))

    def _penalty(self, code: str, facts: str, kinds: str, content: str, fine: Decimal) -> dict:
        entry = self.entries[code]
        return {
            "violation_type": entry.description,
            "violation_facts": facts,
            "penalty_basis": entry.penalty_provision,
            "penalty_category": kinds,
            "penalty_content": content,
            "fine_amount": format((fine / 10000).normalize(), "f"),
            "valid_until": LONG_TERM,
        }

    def mine_penalty(self, day: datetime.date, division: str) -> dict:
        rng = self.rng
        code = rng.choice(("WF-001", "WF-001", "WF-002", "WF-003", "WF-005"))
        face = rng.choice(FACES)
        if code == "WF-001":
            fine = self.fine(code, "一般")
            checked = rng.randrange(8, 21)
            facts = (
                f"{cn_date(self.found_on(day))}，执法人员对该矿进行监察时，抽查{checked}名井下作业人员的安全生产"
                f"教育和培训档案，其中{rng.randrange(2, 6)}人无入井前安全培训记录。经询问该矿安全培训"
                f"负责人{self.name()}（联系电话{self.phone()}），上述人员未经安全生产教育和培训即被"
                f"安排下井作业（示例）。"
            )
            kinds = rng.choice(("罚款", "罚款", "警告、罚款"))
        elif code == "WF-002":
            fine = self.fine(code)
            facts = (
                f"{cn_date(self.found_on(day))}{rng.randrange(1, 24)}时{rng.randrange(0, 60)}分，该矿{face}回风隅角"
                f"甲烷浓度达{rng.choice(('1.2', '1.5', '1.8', '2.1'))}%，当班瓦检员{self.name()}未按规定"
                f"责令停止作业、撤出人员，工作面继续生产约{rng.randrange(15, 50)}分钟（示例）。"
            )
            kinds = rng.choice(("罚款", "罚款、责令停产停业"))
        elif code == "WF-003":
            fine = self.fine(code)
            facts = (
                f"经查，该矿{rng.randrange(2, 5)}名井下电钳工未取得特种作业操作证即上岗作业，其中电工"
                f"{self.name()}（居民身份证号码{id_card(rng, division)}）自{day.year}年"
                f"{max(day.month - 2, 1)}月起在{rng.choice(PLACES)}从事电气设备检修作业（示例）。"
            )
            kinds = "罚款"
        else:
            fine = self.fine(code)
            facts = (
                f"经查，该矿未建立事故隐患排查治理制度，{day.year}年{max(day.month - 3, 1)}月以来未按"
                f"规定开展月度隐患排查，{face}顶板离层仪损坏、{rng.choice(PLACES)}防尘供水管路未接通等"
                f"{rng.randrange(3, 7)}项事故隐患未登记、未治理（示例）。"
            )
            kinds = "罚款"
        content = f"对该矿处以罚款人民币{format((fine / 10000).normalize(), 'f')}万元"
        if "责令停产停业" in kinds:
            content += f"，并责令{face}停产整顿"
        elif "警告" in kinds:
            content = "给予警告，并" + content[1:]
        return self._penalty(code, facts, kinds, content + "（示例）。", fine)

    def person_penalty(self, person: Person, day: datetime.date) -> tuple[dict, str]:
        """A fine on the mine's manager in charge (安全生产法第九十七条 also fines the person
        directly in charge); his own name is published, his ID number, phone and address are
        not. Returns the values and a third person's name the scanner cannot know."""
        clerk = self.name()
        fine = Decimal(self.rng.choice((20000, 30000, 40000)))
        mine = person.employer
        facts = (
            f"经查，当事人{person.name}（居民身份证号码{person.id_number}，联系电话{person.phone}，"
            f"住址：{person.address}）系{mine.name}{person.job_title}。{cn_date(self.found_on(day))}执法人员复查时"
            f"发现，该矿对责令限期改正的未按规定对从业人员进行安全生产教育和培训问题逾期未改正，"
            f"{person.name}作为直接负责的主管人员未组织整改，并授意劳资员{clerk}补记培训档案（示例）。"
        )
        content = (
            f"对{person.name}处以罚款人民币{format((fine / 10000).normalize(), 'f')}万元（示例）。"
        )
        return self._penalty("WF-001", facts, "罚款", content, fine), clerk

    def inspection(self) -> dict:
        rng = self.rng
        items = rng.choice(INSPECTION_ITEMS)
        outcome = rng.random()
        if outcome < 0.35:
            conclusion = f"检查了{'、'.join(items)}情况，未发现违法违规行为（示例）。"
        elif outcome < 0.75:
            conclusion = (
                f"发现{rng.choice(FACES)}局部通风机未实现双风机双电源自动切换等问题"
                f"{rng.randrange(2, 6)}项，已下达责令限期整改指令书，整改期限{rng.choice((7, 15, 30))}日，"
                f"复查时已整改完毕（示例）。"
            )
        else:
            conclusion = (
                f"发现{rng.choice(PLACES)}防爆电气设备失爆等问题{rng.randrange(1, 4)}项，已责令限期"
                f"整改。检查时带班矿长{self.name()}（手机{self.phone()}）在场并签字确认（示例）。"
            )
        return {
            "enforcement_type": f"现场检查（{'、'.join(items)}）",
            "conclusion": conclusion,
            "legal_basis": INSPECTION_BASIS,
        }

    def sealing(self, day: datetime.date) -> dict:
        face = self.rng.choice(FACES)
        return {
            "enforcement_type": "查封",
            "conclusion": (
                f"{cn_date(day)}检查发现{face}甲烷浓度超限仍继续作业，属重大事故隐患，依法查封"
                f"{face}及其采煤机、刮板输送机等设备，查封期限30日（示例）。"
            ),
            "legal_basis": INSPECTION_BASIS,
        }


def _unit(agency: Agency) -> Unit:
    staff = agency.staff.filter(is_active=True).order_by("username")
    return Unit(
        agency=agency,
        editor=staff.filter(role_grants__role="publicity_editor").first(),
        reviewers=list(staff.filter(role_grants__role="legal_reviewer")),
        head=staff.filter(role_grants__role="head").first(),
        mines=list(CoalMine.objects.filter(supervising_agency=agency).order_by("pk")),
        persons=list(
            Person.objects.filter(agency=agency).select_related("employer").order_by("pk")
        ),
    )


class History:
    """Plans the results of every unit and their publication steps on the timeline."""

    def __init__(self, province: Agency, timeline: Timeline, rng: random.Random):
        self.province, self.timeline, self.rng = province, timeline, rng
        self.today = timezone.localtime(timeline.until).date()
        self.year = self.today.year
        self.days = WorkDays(
            datetime.date(self.year - 1, 1, 1), self.today + datetime.timedelta(days=90)
        )
        self.units = [_unit(a) for a in province.children.order_by("pk")]
        # Names that are public elsewhere (officers, mines' persons in charge) or registered.
        avoid = set(Staff.objects.values_list("full_name", flat=True))
        avoid |= set(Person.objects.values_list("name", flat=True))
        avoid |= set(CoalMine.objects.values_list("person_in_charge", flat=True))
        self.writer = Writer(rng, province, avoid)

    # --- what was decided ----------------------------------------------------------------------

    def _decision_days(self, count: int, this_year: float = THIS_YEAR_SHARE) -> list[datetime.date]:
        """``count`` working days from last January to a fortnight ago, ``this_year`` of them
        (as a share) in the current year."""
        last = self.days.before(self.today, 8)
        dec31 = datetime.date(self.year - 1, 12, 31)
        earlier = self.days.between(datetime.date(self.year - 1, 1, 6), min(last, dec31))
        recent = self.days.between(datetime.date(self.year, 1, 1), last)
        return sorted(
            self.rng.choice(recent if recent and self.rng.random() < this_year else earlier)
            for _ in range(count)
        )

    def _result(self, unit: Unit, category: str, day: datetime.date, **kwargs) -> Result:
        writer = self.writer
        mine = self.rng.choice(unit.mines)
        person = kwargs.get("person")
        withhold = None
        if category == Category.PENALTY and person is not None:
            values, clerk = writer.person_penalty(person, day)
            withhold = ("violation_facts", clerk, "第三人姓名（系统未识别，编辑补充隐去）")
            mine, code = person.employer, "罚"
        elif category == Category.PENALTY:
            values, code = writer.mine_penalty(day, unit.agency.division_code), "罚"
        elif category == Category.COERCIVE:
            values, code = writer.sealing(day), "封扣"
        else:
            values, code = writer.inspection(), "检记"
        return Result(unit, category, day, mine, values, code, withhold=withhold, **kwargs)

    def plan(self) -> list[Result]:
        results: list[Result] = []
        for unit in self.units:
            for index, day in enumerate(self._decision_days(RESULTS_PER_UNIT)):
                category = self.rng.choices(
                    (Category.PENALTY, Category.INSPECTION, Category.COERCIVE), (11, 8, 1)
                )[0]
                fate = "late" if index % LATE_EVERY == LATE_EVERY // 2 else "published"
                results.append(self._result(unit, category, day, fate=fate))
            # A fine on a person, still on the portal: the redaction of his data shows.
            for person, day in zip(unit.persons[:1], self._decision_days(1, 1), strict=False):
                results.append(self._result(unit, Category.PENALTY, day, person=person))
        east, west, north = self.units
        d = self.days
        results += [
            # Published, then revoked on reconsideration and taken down (a tombstone).
            self._result(east, Category.PENALTY, d.before(self.today, 60), fate="withdrawn"),
            # Published with a typing error in the amount, corrected by a second version.
            self._result(west, Category.PENALTY, d.before(self.today, 70), fate="revised"),
            # Overdue now: a draft nobody confirmed, an inspection result returned for rework.
            self._result(east, Category.PENALTY, d.before(self.today, 12), fate="draft"),
            self._result(west, Category.INSPECTION, d.before(self.today, 26), fate="returned"),
            # In the pipeline, due within days.
            self._result(north, Category.PENALTY, d.before(self.today, 5), fate="reviewed"),
            self._result(east, Category.PENALTY, d.before(self.today, 3), fate="confirmed"),
            self._result(
                north,
                Category.PENALTY,
                d.before(self.today, 2),
                person=north.persons[1],
                fate="draft",
            ),
        ]
        # Numbered in decision order within each unit, type and year.
        for result in sorted(results, key=lambda r: (r.decided, r.category)):
            number = result.unit.number(result.code, result.decided, self.year)
            result.fields["decision_number"] = number
        return results

    # --- how it was published ------------------------------------------------------------------

    def _step(self, day: datetime.date, hour: int, step: Callable[[], None]) -> datetime.datetime:
        when = moment(day, hour, self.rng.randrange(0, 60))
        self.timeline.at(when, step)
        return when

    def schedule(self, result: Result) -> None:
        rng, d = self.rng, self.days
        fast = result.category == Category.PENALTY
        drafted = d.after(result.decided, rng.randrange(1, 3) if fast else rng.randrange(1, 6))
        reviewed = d.after(drafted, rng.randrange(1, 3))
        approved = d.after(reviewed, rng.randrange(1, 3))
        if result.fate == "late":
            due = d.after(result.decided, 7 if fast else 20)
            approved = d.after(due, rng.randrange(1, 4))
        unit = result.unit

        def draft():
            result.publication = publicity.publication_manual_create(
                actor=unit.editor,
                agency=unit.agency,
                category=result.category,
                decided_on=result.decided,
                fields=result.fields,
                mine=None if result.person else result.mine,
                person=result.person,
            )
            if result.withhold:
                field_name, text, note = result.withhold
                publicity.redaction_add(
                    actor=unit.editor,
                    publication=result.publication,
                    field=field_name,
                    text=text,
                    note=note,
                )

        self._step(drafted, 9, draft)
        if result.fate == "draft":
            return
        self._step(drafted, 15, lambda: self._confirm(result))
        reviewer = unit.reviewers[result.decided.toordinal() % len(unit.reviewers)]
        if result.fate == "returned":
            self._step(
                reviewed,
                10,
                lambda: publicity.publication_return(
                    actor=reviewer,
                    publication=result.publication,
                    reason="请补充检查发现问题的整改期限和复查情况（示例）。",
                ),
            )
            return
        if result.fate == "confirmed":
            return
        self._step(
            reviewed,
            10,
            lambda: publicity.publication_review(
                actor=reviewer, publication=result.publication, opinion="经审查，同意公开。"
            ),
        )
        if result.fate == "reviewed":
            return
        self._step(approved, 16, lambda: self._approve(result))
        if result.fate == "withdrawn":
            self._withdrawal(result, d.after(approved, 15))
        elif result.fate == "revised":
            self._revision(result, d.after(approved, 10))

    def _confirm(self, result: Result) -> None:
        result.publication = publicity.publication_confirm(
            actor=result.unit.editor, publication=result.publication, confirmed=True
        )

    def _approve(self, result: Result) -> None:
        """The head approves, which publishes; the daily sweep ends publicity at 公示截止期."""
        publication = publicity.publication_approve(
            actor=result.unit.head, publication=result.publication, opinion="同意公开。"
        )
        result.publication = publication
        if publication.publicity_until:
            self.timeline.at(
                moment(publication.publicity_until + datetime.timedelta(days=1), 0, 30),
                publicity.publications_expire_due,
            )

    def _withdrawal(self, result: Result, day: datetime.date) -> None:
        unit = result.unit
        revoked = self.days.before(day, 1)
        basis = (
            f"华北省人民政府行政复议决定书（华政复决字〔{revoked.year}〕{revoked.month}号，示例）"
        )
        self._step(
            day,
            10,
            lambda: publicity.publication_withdrawal_request(
                actor=unit.editor,
                publication=result.publication,
                reason_kind=WithdrawalReason.REVOKED,
                reason="该行政处罚决定经行政复议被撤销，依法撤下（示例）。",
                revoked_on=revoked,
                basis=basis,
            ),
        )
        self._step(
            self.days.after(day, 1),
            16,
            lambda: publicity.publication_withdraw(
                actor=unit.head,
                publication=result.publication,
                reason="同意撤下。该行政处罚决定已被行政复议机关撤销（示例）。",
            ),
        )

    def _revision(self, result: Result, day: datetime.date) -> None:
        """The amount was typed a decimal place off; a second version corrects it."""
        unit = result.unit
        wrong = Decimal(result.fields["fine_amount"]) / 10
        result.fields["fine_amount"], correct = (
            format(wrong.normalize(), "f"),
            result.fields["fine_amount"],
        )

        def revise():
            publication = publicity.publication_revise(
                actor=unit.editor,
                publication=result.publication,
                reason=f"罚款金额录入有误，应为{correct}万元（示例）。",
            )
            result.publication = publicity.publication_edit(
                actor=unit.editor, publication=publication, changes={"fine_amount": correct}
            )

        self._step(day, 9, revise)
        self._step(day, 14, lambda: self._confirm(result))
        self._step(
            self.days.after(day, 1),
            10,
            lambda: publicity.publication_review(
                actor=unit.reviewers[0], publication=result.publication, opinion="同意。"
            ),
        )
        self._step(self.days.after(day, 2), 16, lambda: self._approve(result))

    def reports(self) -> None:
        """GS-POST-3: last year's reports, generated and approved in January (or, when the
        demo is loaded before that, just now)."""
        year = self.year - 1
        january = self.days.between(datetime.date(self.year, 1, 1), datetime.date(self.year, 1, 31))
        latest = self.timeline.until - datetime.timedelta(minutes=30)
        teams = [(u.agency, u.editor, u.head) for u in self.units]
        head = self.province.staff.filter(role_grants__role="head").order_by("username").first()
        teams.append((self.province, head, head))
        for index, (agency, author, approver) in enumerate(teams):
            generate = min(
                moment(january[3 + index], 10), latest + datetime.timedelta(minutes=index)
            )
            approve = min(
                moment(january[7 + index], 15), latest + datetime.timedelta(minutes=10 + index)
            )
            reports: dict[str, object] = {}

            def make(agency=agency, author=author, reports=reports):
                reports["report"] = annual.annual_report_generate(
                    actor=author, agency=agency, year=year
                )

            def publish(approver=approver, reports=reports):
                annual.annual_report_approve(actor=approver, report=reports["report"])

            self.timeline.at(generate, make)
            self.timeline.at(approve, publish)


def load_demo_results(
    *,
    province: Agency,
    clock: DemoClock,
    until: datetime.datetime,
    rng: random.Random,
    also: Callable[[Timeline], None] | None = None,
) -> None:
    """Play the demo province's publicity work from go-live up to ``until`` (the real now);
    ``also`` schedules other past work on the same timeline (``evaluation_files.py``)."""
    timeline = Timeline(clock, until)
    history = History(province, timeline, rng)
    for result in history.plan():
        history.schedule(result)
    history.reports()
    if also is not None:
        also(timeline)
    timeline.run()
