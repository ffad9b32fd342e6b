"""Load a year's State Council holiday arrangement (ADR 0096).

    manage.py calendar_load_arrangement --year 2027 --actor admin \\
        --title "国务院办公厅关于2027年部分节假日安排的通知" --number "国办发明电〔2026〕X号" \\
        --published-on 2026-11-20 \\
        --rest 2027-01-01..2027-01-03 --rest 2027-02-05..2027-02-12 --work 2027-02-20

``--rest`` days (single dates or FROM..TO ranges) are days off; ``--work`` days are adjusted
working weekends. Weekends among the rest days need no entry. Loading recomputes every
stored provisional due date, each change a ledger event with a notice to its owner.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.services import holiday_arrangement_load


def _days(values: list[str]) -> list[datetime.date]:
    days = []
    for value in values:
        first, _, last = value.partition("..")
        try:
            start = datetime.date.fromisoformat(first.strip())
            end = datetime.date.fromisoformat(last.strip()) if last else start
        except ValueError as exc:
            raise CommandError(
                f"日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD：{value}"
            ) from exc
        if end < start:
            raise CommandError(f"日期范围的结束日早于开始日：{value}")
        days.extend(start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    return days


class Command(BaseCommand):
    help = "录入一年的国务院节假日安排，并重新计算所有暂定期限。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--actor", required=True, help="管理员登录名")
        parser.add_argument("--title", required=True)
        parser.add_argument("--number", default="")
        parser.add_argument("--published-on", required=True)
        parser.add_argument("--rest", action="append", default=[])
        parser.add_argument("--work", action="append", default=[])

    def handle(self, *args, **options):
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"没有登录名为 {options['actor']} 的用户。")
        try:
            published_on = datetime.date.fromisoformat(options["published_on"])
        except ValueError as exc:
            raise CommandError("发布日期格式应为 YYYY-MM-DD。") from exc
        try:
            notice = holiday_arrangement_load(
                actor=actor,
                year=options["year"],
                title=options["title"],
                document_number=options["number"],
                published_on=published_on,
                rest_days=_days(options["rest"]),
                working_days=_days(options["work"]),
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已录入 {notice.year} 年节假日安排，暂定期限已重新计算。")
