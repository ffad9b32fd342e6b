"""Staff API of 企业端 (ADR 0150): read-only, agency-scoped, typed; bearer tokens with the
``enterprise:read`` scope work through the real client path."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.enterprise import services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def test_staff_read_a_mines_accounts_service_and_reports(ordered, province):
    a, officer = ordered["a"], ordered["crew"][0]
    services.consent_record(
        actor=officer,
        mine=a["mine"],
        signed_on=timezone.localdate(),
        signatory="矿长 王某",
        file=b"%PDF-1.4 consent",
        file_name="同意书.pdf",
    )
    delivery = services.delivery_send(actor=officer, document=a["measure"].document, mine=a["mine"])
    services.rectification_report_submit(
        account=a["account"], measure=a["measure"], content="已整改。", files=[("照片.jpg", b"x")]
    )
    client = sign_in(Client(), officer)
    accounts = client.get(f"/api/enterprise/mines/{a['mine'].pk}/accounts").json()
    assert [row["login"] for row in accounts] == [a["account"].login]
    assert "password" not in accounts[0] and "totp_key" not in accounts[0]
    service = client.get(f"/api/enterprise/mines/{a['mine'].pk}/service").json()
    assert service["deliveries"][0]["receipt_sm3"] == delivery.receipt_sm3
    reports = client.get(
        f"/api/enterprise/inspections/{a['inspection'].pk}/rectification-reports"
    ).json()
    assert reports[0]["files"][0]["name"] == "照片.jpg"
    # another agency's officer finds nothing
    outsider = sign_in(Client(), factories.officer(agency=province["b"]))
    assert outsider.get(f"/api/enterprise/mines/{a['mine'].pk}/accounts").status_code == 404
    # a bearer token with the read scope, no cookie, no CSRF
    _token, raw = api_token_create(actor=officer, name="对接", scopes=["enterprise:read"])
    bare = Client(enforce_csrf_checks=True)
    response = bare.get(
        f"/api/enterprise/mines/{a['mine'].pk}/accounts", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200 and response.json()[0]["login"] == a["account"].login
