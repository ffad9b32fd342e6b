"""API of the enforcement statistics and risk signals (issue 16 items 2 and 6; ADR 0170, 0171).

``GET /api/supervision/statistics`` gives the same figures as the page (and the link behind each);
``GET /api/supervision/risk`` the ranked watch list with the reasons; ``POST
/api/supervision/key-mine-flags`` flags a mine as a key mine for the next draws."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from sanxiang.api.schemas import InputSchema
from sanxiang.inspections.key_mines import key_mine_flag
from sanxiang.registry.models import CoalMine

from .risk.signals import watch_list
from .statistics import figures, selectors

router = Router(tags=["执法监督"])


class StatisticsCellOut(Schema):
    value: Decimal
    url: str


class StatisticsRowOut(Schema):
    key: str
    label: str
    group: str
    is_amount: bool
    cells: list[StatisticsCellOut]
    previous: StatisticsCellOut


class StatisticsColumnOut(Schema):
    agency_id: int
    agency_name: str
    kind: str = Field(description="own：本级；sub：下级机构（含其下级）；total：合计")


class EnforcementStatisticsOut(Schema):
    agency_id: int
    agency_name: str
    period_label: str
    previous_label: str
    start: datetime.date
    end: datetime.date
    columns: list[StatisticsColumnOut]
    rows: list[StatisticsRowOut]


class RiskEntryOut(Schema):
    rank: int
    mine_id: int
    mine_name: str
    score: int
    reasons: list[str]
    key_flag_until: datetime.date | None


class KeyMineFlagIn(InputSchema):
    mine_id: int
    reason: str = Field(max_length=300)
    expires_on: datetime.date


class KeyMineFlagOut(Schema):
    id: int
    mine_id: int
    reason: str
    expires_on: datetime.date


def _require_viewer(request) -> None:
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied("只有负责人和系统管理员可以查看执法统计。")


@router.get(
    "/statistics",
    response=EnforcementStatisticsOut,
    summary="执法统计（本级、各下级、合计与上年同期）",
)
def statistics(
    request, agency: int | None = None, period: str = "year", year: int | None = None, n: int = 1
):
    _require_viewer(request)
    today = timezone.localdate()
    chosen = selectors.statistics_agency(user=request.user, agency_id=agency)
    if chosen is None:
        raise PermissionDenied("该机构不在您的管辖范围内。")
    when = figures.Period.parse(period, year or today.year, n, today)
    table = figures.compute(user=request.user, agency=chosen, period=when, today=today)
    return {
        "agency_id": chosen.pk,
        "agency_name": chosen.name,
        "period_label": when.label,
        "previous_label": table.previous.label,
        "start": when.start,
        "end": when.end,
        "columns": [
            {"agency_id": c.agency.pk, "agency_name": c.agency.name, "kind": c.kind}
            for c in table.columns
        ],
        "rows": [
            {
                "key": row.indicator.key,
                "label": str(row.indicator.label),
                "group": str(row.indicator.group),
                "is_amount": row.indicator.is_amount,
                "cells": [{"value": c.value, "url": c.url} for c in row.cells],
                "previous": {"value": row.previous.value, "url": row.previous.url},
            }
            for row in table.rows()
        ],
    }


@router.get("/risk", response=list[RiskEntryOut], summary="风险预警名单（按风险分排序，附理由）")
def risk(request):
    _require_viewer(request)
    entries = watch_list(user=request.user, today=timezone.localdate())
    return [
        {
            "rank": e.rank,
            "mine_id": e.mine.pk,
            "mine_name": e.mine.name,
            "score": e.score,
            "reasons": e.reasons,
            "key_flag_until": max((f.expires_on for f in e.flags), default=None),
        }
        for e in entries
    ]


@router.post(
    "/key-mine-flags",
    response={201: KeyMineFlagOut},
    summary="标记重点监管煤矿（列入下次抽取输入）",
)
def flag_key_mine(request, payload: KeyMineFlagIn):
    mine = CoalMine.objects.restrict(request.user).filter(pk=payload.mine_id).first()
    if mine is None:
        raise ValidationError({"mine_id": ["所选煤矿不存在或不在您的管辖范围内。"]})
    flag = key_mine_flag(
        actor=request.user, mine=mine, reason=payload.reason, expires_on=payload.expires_on
    )
    return Status(201, flag)
