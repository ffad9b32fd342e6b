"""ADR 0226 for the 当场行政处罚决定书: decided underground, entered and signed on return with the
on-site time (API and page), refused when in the future or before the inspection began."""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.cases.models import CaseBranch
from sanxiang.core.blobstore import blob_read
from sanxiang.documents.models import Document
from sanxiang.inspections.models import Inspection
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team, officers):
    case = factories.filed_case(officers=officers, mine=team["mine"], head=team["head"])
    Inspection.objects.filter(pk=case.inspection_id).update(
        started_at=timezone.now() - datetime.timedelta(hours=4)
    )
    case.refresh_from_db()
    return case


def test_the_on_site_penalty_decision_is_signed_on_return_with_its_on_site_time(
    case, team, real_pdf
):
    _t, raw = api_token_create(
        actor=team["officer"], name="井下", scopes=["cases:write", "cases:read"]
    )
    client = Client(enforce_csrf_checks=True)

    def post(payload):
        return client.post(
            f"/api/cases/cases/{case.pk}/branches",
            payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    body = {"kind": "simple", "subject": "未戴安全帽（测试）", "penalty_kind": "warning"}
    for bad, words in (
        ((timezone.now() + datetime.timedelta(hours=1)).isoformat(), "不能晚于现在"),
        ((timezone.now() - datetime.timedelta(hours=5)).isoformat(), "不能早于现场检查开始时间"),
    ):
        refused = post({**body, "made_on_site_at": bad})
        assert refused.status_code == 422, refused.content
        errors = refused.json()["errors"]
        assert errors[0]["field"] == "made_on_site_at" and words in errors[0]["message"]
    assert not CaseBranch.objects.exists()  # nothing written
    on_site = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    created = post({**body, "made_on_site_at": on_site.isoformat()})
    assert created.status_code == 201, created.content
    assert created.json()["started_on"] == on_site.date().isoformat()
    document = Document.objects.get(number__text=created.json()["document_number"])
    text = "".join(
        subprocess.run(
            ["pdftotext", "-", "-"], input=blob_read(document.pdf_path), capture_output=True
        )
        .stdout.decode()
        .split()
    )
    assert (
        f"本文书于{on_site:%Y}年{on_site.month}月{on_site.day}日{on_site:%H:%M}在现场制作" in text
    )
    entry = LedgerEntry.objects.get(action="document.issue", object_id=str(document.pk))
    details = json.loads(entry.body)["details"]
    assert details["made_on_site_at"] == on_site.isoformat()
    assert details["signature"]["signed_at"] > on_site.isoformat()


def test_the_simple_procedure_page_takes_the_on_site_time(case, team, client):
    from django.urls import reverse

    client.force_login(team["officer"])
    url = reverse("cases:branch_start", args=[case.pk, "simple"])
    assert "现场制作时间" in client.get(url).content.decode()
    future = timezone.localtime() + datetime.timedelta(days=1)
    body = {"subject": "未戴安全帽", "penalty_kind": "warning"}
    refused = client.post(url, {**body, "made_on_site_at": future.strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 400 and "不能晚于现在" in refused.content.decode()
    assert not CaseBranch.objects.exists()
    assert client.post(url, {**body, "made_on_site_at": ""}).status_code == 302
