"""Electronic service (电子送达, ADR 0150): only with written consent on file; served when the
document reaches the mine's account, not when it is opened; withdrawal stops it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.enterprise import services
from sanxiang.enterprise.models import ElectronicDelivery
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

from .conftest import sign_in_mine


def _consent(actor, mine, **extra):
    return services.consent_record(
        actor=actor,
        mine=mine,
        signed_on=extra.pop("signed_on", timezone.localdate() - datetime.timedelta(days=1)),
        signatory="矿长 王某",
        file=extra.pop("file", b"%PDF-1.4 signed consent form"),
        file_name="电子送达确认书.pdf",
    )


def _without_consent_no_electronic_service(ordered):
    a, officer = ordered["a"], ordered["crew"][0]
    with pytest.raises(ValidationError) as refused:
        services.delivery_send(actor=officer, document=a["measure"].document, mine=a["mine"])
    assert "同意书" in str(refused.value)
    assert not ElectronicDelivery.objects.exists()
    assert not LedgerEntry.objects.filter(action="delivery.arrive").exists()


def test_served_at_arrival_with_receipt_opening_recorded_apart(
    ordered, django_capture_on_commit_callbacks
):
    a, officer = ordered["a"], ordered["crew"][0]
    consent = _consent(officer, a["mine"])
    assert LedgerEntry.objects.filter(action="service_consent.record").count() == 1
    before = timezone.now()
    delivery = services.delivery_send(actor=officer, document=a["measure"].document, mine=a["mine"])
    after = timezone.now()
    assert before <= delivery.arrived_at <= after
    assert delivery.consent == consent and delivery.opened_at is None
    assert len(delivery.receipt_sm3) == 64
    arrival = LedgerEntry.objects.get(action="delivery.arrive")
    assert delivery.receipt_sm3 in arrival.body and arrival.object_id == str(delivery.pk)
    # the mine sees it served, with the served time, before it opens it
    client = sign_in_mine(Client(), a["account"])
    listing = client.get("/enterprise/served/").content.decode()
    served_at = timezone.localtime(delivery.arrived_at).strftime("%Y-%m-%d %H:%M:%S")
    assert served_at in listing and "未查阅" in listing
    assert client.get(f"/enterprise/served/{delivery.pk}/").status_code == 200
    delivery.refresh_from_db()
    assert delivery.opened_at is None  # looking at the entry is not opening the document
    pdf = client.get(f"/enterprise/served/{delivery.pk}/document.pdf")
    assert pdf.status_code == 200
    delivery.refresh_from_db()
    assert delivery.opened_at is not None and delivery.opened_at >= delivery.arrived_at
    assert delivery.opened_by == a["account"]
    first_open = delivery.opened_at
    client.get(f"/enterprise/served/{delivery.pk}/document.pdf")
    delivery.refresh_from_db()
    assert delivery.opened_at == first_open  # the first opening only
    assert LedgerEntry.objects.filter(action="delivery.open").count() == 1
    assert delivery.arrived_at < first_open  # served stays the arrival


def _withdrawal_stops_electronic_service(ordered):
    a, officer = ordered["a"], ordered["crew"][0]
    consent = services.consent_in_force(a["mine"])
    services.consent_withdraw(actor=officer, consent=consent, withdrawn_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.delivery_send(actor=officer, document=a["measure"].document, mine=a["mine"])
    assert services.electronic_service_problem(mine=a["mine"]) is not None
    # a new consent can be recorded after the withdrawal, and service works again
    _consent(officer, a["mine"])
    assert services.delivery_send(actor=officer, document=a["measure"].document, mine=a["mine"])


def _consent_needs_its_document_and_no_other_mines_documents(ordered):
    a, b, officer = ordered["a"], ordered["b"], ordered["crew"][0]
    with pytest.raises(ValidationError) as bad:
        _consent(officer, a["mine"], file=b"")
    assert "file" in bad.value.message_dict
    _consent(officer, a["mine"])
    with pytest.raises(ValidationError) as twice:
        _consent(officer, a["mine"])
    assert "mine" in twice.value.message_dict
    with pytest.raises(ValidationError) as wrong:
        services.delivery_send(actor=officer, document=b["measure"].document, mine=a["mine"])
    assert "document" in wrong.value.message_dict
    outsider = factories.officer(agency=factories.agency(parent=ordered["sub"].parent))
    with pytest.raises(PermissionDenied):
        services.delivery_send(actor=outsider, document=a["measure"].document, mine=a["mine"])


def test_consent_rules(ordered):
    """No service without consent; the consent needs its signed form, one at a time, and serves
    only this mine's documents in scope; withdrawal stops service, a new consent restarts it."""
    _without_consent_no_electronic_service(ordered)
    _consent_needs_its_document_and_no_other_mines_documents(ordered)
    _withdrawal_stops_electronic_service(ordered)


def test_staff_pages_record_consent_and_serve(ordered):
    from sanxiang.testing.auth import sign_in

    a, officer = ordered["a"], ordered["crew"][0]
    client = sign_in(Client(), officer)
    mine_page = f"/enterprise/staff/mines/{a['mine'].pk}/"
    assert "没有有效的电子送达同意书" in client.get(mine_page).content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"{mine_page}consent/new/",
        {
            "signed_on": timezone.localdate().isoformat(),
            "signatory": "矿长 王某",
            "file": SimpleUploadedFile("同意书.pdf", b"%PDF-1.4 signed"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = a["measure"].document
    response = client.post(f"{mine_page}serve/", {"document": document.pk})
    assert response.status_code == 302
    page = client.get(mine_page).content.decode()
    delivery = ElectronicDelivery.objects.get()
    assert timezone.localtime(delivery.arrived_at).strftime("%Y-%m-%d %H:%M:%S") in page


@pytest.mark.single_pass  # a whole case to its decision: run once per CI (ADR 0100)
def test_a_case_decision_served_electronically_is_served_on_arrival(ordered):
    """The case's 送达 step with 电子送达: refused without consent; with it, the decision reaches
    the mine's account, the 送达回执 is dated at the arrival, and the mine sees it served."""
    from sanxiang.cases import execution
    from sanxiang.cases.models import ServiceRecord

    a, crew, head = ordered["a"], ordered["crew"], ordered["head"]
    case = factories.decided_case(officers=crew, head=head, mine=a["mine"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        execution.service_record(
            actor=crew[0], case=case, served_on=yesterday, method="electronic", recipient="矿长"
        )
    assert "同意书" in str(refused.value.message_dict["method"])
    assert not ServiceRecord.objects.exists()
    _consent(crew[0], a["mine"])
    record = execution.service_record(
        actor=crew[0], case=case, served_on=yesterday, method="electronic", recipient="矿长"
    )
    delivery = ElectronicDelivery.objects.get(document=case.decision_document)
    assert record.served_on == timezone.localdate(delivery.arrived_at)  # not the date typed
    assert record.receipt.number is not None
    case.refresh_from_db()
    assert case.served_on == record.served_on
    client = sign_in_mine(Client(), a["account"])
    assert case.decision_document.number.text in client.get("/enterprise/served/").content.decode()
