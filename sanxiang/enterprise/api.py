"""Staff API of 企业端 (ADR 0150): a mine's accounts, its consent and deliveries, and the
rectification reports on an inspection — read-only, for staff in scope. No mine's account
ever reaches the staff API (the realm's wall answers 403 before any router runs)."""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from sanxiang.inspections import selectors as inspection_selectors

from . import selectors
from .models import AccountStatus

router = Router(tags=["企业端"])


class EnterpriseAccountOut(Schema):
    id: int
    mine_id: int
    login: str
    full_name: str
    position: str
    status: AccountStatus
    self_registered: bool
    created_at: datetime.datetime
    verified_at: datetime.datetime | None
    last_login: datetime.datetime | None


class EnterpriseConsentOut(Schema):
    id: int
    signed_on: datetime.date
    signatory: str
    file_name: str
    file_sha256: str
    recorded_at: datetime.datetime
    withdrawn_on: datetime.date | None


class EnterpriseDeliveryOut(Schema):
    id: int
    document_id: int
    consent_id: int
    arrived_at: datetime.datetime
    receipt_sm3: str
    opened_at: datetime.datetime | None


class EnterpriseServiceOut(Schema):
    consents: list[EnterpriseConsentOut]
    deliveries: list[EnterpriseDeliveryOut]


class EnterpriseReportFileOut(Schema):
    id: int
    name: str
    sha256: str
    size: int


class EnterpriseReportOut(Schema):
    id: int
    measure_id: int
    account_id: int
    content: str
    submitted_at: datetime.datetime
    files: list[EnterpriseReportFileOut]

    @staticmethod
    def resolve_files(obj):
        return list(obj.files.all())


@router.get(
    "/mines/{mine_id}/accounts", response=list[EnterpriseAccountOut], summary="煤矿的企业账号"
)
def list_mine_accounts(request, mine_id: int):
    mine = selectors.mine_for_staff(user=request.user, pk=mine_id)
    return list(selectors.account_list(user=request.user, mine=mine))


@router.get(
    "/mines/{mine_id}/service", response=EnterpriseServiceOut, summary="电子送达同意书和送达记录"
)
def get_mine_service(request, mine_id: int):
    mine = selectors.mine_for_staff(user=request.user, pk=mine_id)
    return {
        "consents": list(selectors.consent_list(user=request.user, mine=mine)),
        "deliveries": list(selectors.deliveries_of_mine(user=request.user, mine=mine)),
    }


@router.get(
    "/inspections/{inspection_id}/rectification-reports",
    response=list[EnterpriseReportOut],
    summary="煤矿提交的整改报告",
)
def list_rectification_reports(request, inspection_id: int):
    inspection = inspection_selectors.inspection_get(user=request.user, pk=inspection_id)
    return list(selectors.reports_on_inspection(user=request.user, inspection=inspection))
