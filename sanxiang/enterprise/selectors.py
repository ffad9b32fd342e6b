"""Reads of 企业端. A mine's reads take the account and return only its mine's rows; the
agency's reads take the staff member and are cut by ``.restrict(user)`` (ADR 0065)."""

from __future__ import annotations

from django.db.models import QuerySet

from sanxiang.documents.models import Document
from sanxiang.org.models import Staff
from sanxiang.registry.models import CoalMine

from .models import (
    AccountStatus,
    ElectronicDelivery,
    EnterpriseAccount,
    RectificationFile,
    RectificationReport,
    ServiceConsent,
)
from .services import rectification_orders

# --- the mine's side (``account`` is request.enterprise, already checked active) -------------------


def order_list(*, account: EnterpriseAccount):
    return rectification_orders(account.mine)


def order_get(*, account: EnterpriseAccount, pk: int):
    return order_list(account=account).get(pk=pk)


def delivery_list(*, account: EnterpriseAccount) -> QuerySet[ElectronicDelivery]:
    return ElectronicDelivery.objects.filter(mine=account.mine).select_related(
        "document__number", "document__agency"
    )


def delivery_get(*, account: EnterpriseAccount, pk: int) -> ElectronicDelivery:
    return delivery_list(account=account).get(pk=pk)


def report_list_for_mine(*, account: EnterpriseAccount, measure) -> QuerySet[RectificationReport]:
    return (
        RectificationReport.objects.filter(measure=measure, measure__inspection__mine=account.mine)
        .select_related("account")
        .prefetch_related("files")
    )


def report_file_for_mine(*, account: EnterpriseAccount, pk: int) -> RectificationFile:
    return RectificationFile.objects.get(pk=pk, report__measure__inspection__mine=account.mine)


# --- the agency's side ---------------------------------------------------------------------------


def mine_for_staff(*, user: Staff, pk: int) -> CoalMine:
    return CoalMine.objects.restrict(user).select_related("supervising_agency").get(pk=pk)


def account_list(*, user: Staff, mine: CoalMine | None = None) -> QuerySet[EnterpriseAccount]:
    rows = EnterpriseAccount.objects.restrict(user).select_related("mine")
    return rows.filter(mine=mine) if mine is not None else rows


def account_get(*, user: Staff, pk: int) -> EnterpriseAccount:
    return account_list(user=user).get(pk=pk)


def pending_accounts(*, user: Staff) -> QuerySet[EnterpriseAccount]:
    return account_list(user=user).filter(status=AccountStatus.PENDING)


def consent_list(*, user: Staff, mine: CoalMine) -> QuerySet[ServiceConsent]:
    return ServiceConsent.objects.restrict(user).filter(mine=mine)


def consent_get(*, user: Staff, pk: int) -> ServiceConsent:
    return ServiceConsent.objects.restrict(user).select_related("mine").get(pk=pk)


def deliveries_of_mine(*, user: Staff, mine: CoalMine) -> QuerySet[ElectronicDelivery]:
    return (
        ElectronicDelivery.objects.restrict(user)
        .filter(mine=mine)
        .select_related("document__number", "opened_by")
    )


def servable_documents(*, user: Staff, mine: CoalMine) -> QuerySet[Document]:
    """Documents of the user's scope issued on this mine's inspections, measures and cases."""
    from sanxiang.cases.models import Case
    from sanxiang.inspections.models import Inspection, OnsiteMeasure

    inspections = [
        str(pk) for pk in Inspection.objects.filter(mine=mine).values_list("pk", flat=True)
    ]
    measures = [
        str(pk)
        for pk in OnsiteMeasure.objects.filter(inspection__mine=mine).values_list("pk", flat=True)
    ]
    cases = [str(pk) for pk in Case.objects.filter(mine=mine).values_list("pk", flat=True)]
    from django.db.models import Q

    subject = (
        Q(subject_type="inspections.inspection", subject_id__in=inspections)
        | Q(subject_type="inspections.onsitemeasure", subject_id__in=measures)
        | Q(subject_type="cases.case", subject_id__in=cases)
    )
    sent = ElectronicDelivery.objects.filter(mine=mine).values_list("document_id", flat=True)
    return (
        Document.objects.restrict(user)
        .filter(subject, status="issued")
        .exclude(pk__in=sent)
        .select_related("number")
        .order_by("-issued_at")
    )


def reports_on_inspection(*, user: Staff, inspection) -> QuerySet[RectificationReport]:
    """The mine's rectification reports on an inspection's orders, for the officers' page."""
    return (
        RectificationReport.objects.restrict(user)
        .filter(measure__inspection=inspection)
        .select_related("account", "measure")
        .prefetch_related("files")
    )


def report_file_for_staff(*, user: Staff, pk: int) -> RectificationFile:
    return RectificationFile.objects.restrict(user).get(pk=pk)
