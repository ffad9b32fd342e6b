"""ADR 0226 through the forms and the API: a measure or record made underground (no phones) is
signed on return with the on-site time the officer enters."""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanxiang.api.tokens import api_token_create
from sanxiang.core.blobstore import blob_read
from sanxiang.documents.models import Document
from sanxiang.inspections import services
from sanxiang.inspections.forms import CompleteForm
from sanxiang.inspections.models import Inspection
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

pytestmark = pytest.mark.django_db


def _started_hours_ago(team, officers, hours=4):
    plan = factories.inspection_plan(officers=officers, mine=team["mine"], head=team["head"])
    inspection = factories.inspection(plan=plan)
    Inspection.objects.filter(pk=inspection.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=hours)
    )
    inspection.refresh_from_db()
    return inspection


def _pdf_text(document) -> str:
    pdf = blob_read(document.pdf_path)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout
    return "".join(text.decode().split())


def _issue_event(document) -> dict:
    entry = LedgerEntry.objects.get(action="document.issue", object_id=str(document.pk))
    return json.loads(entry.body)["details"]


def _printed(at: datetime.datetime) -> str:
    at = timezone.localtime(at)
    return f"本文书于{at:%Y}年{at.month}月{at.day}日{at:%H:%M}在现场制作"


def test_a_measure_made_underground_is_issued_through_the_api_with_its_on_site_time(
    team, officers, real_pdf
):
    inspection = _started_hours_ago(team, officers)
    on_site = timezone.localtime().replace(microsecond=0) - datetime.timedelta(hours=2)
    _t, raw = api_token_create(
        actor=team["officer"], name="井下", scopes=["inspections:write", "inspections:read"]
    )
    client = Client(enforce_csrf_checks=True)
    url = f"/api/inspections/inspections/{inspection.pk}/measures"

    def post(payload):
        return client.post(
            url,
            payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )

    body = {"kind": "withdraw_workers", "content": "立即从该工作面撤出作业人员。"}
    count = Document.objects.count()
    for bad, words in (
        ((timezone.now() + datetime.timedelta(hours=1)).isoformat(), "不能晚于现在"),
        ((timezone.now() - datetime.timedelta(hours=5)).isoformat(), "不能早于检查开始时间"),
    ):
        refused = post({**body, "made_on_site_at": bad})
        assert refused.status_code == 422, refused.content
        errors = refused.json()["errors"]
        assert errors[0]["field"] == "made_on_site_at" and words in errors[0]["message"]
    assert Document.objects.count() == count  # nothing numbered
    created = post({**body, "made_on_site_at": on_site.isoformat()})
    assert created.status_code == 201, created.content
    document = Document.objects.get(number__text=created.json()["document_number"])
    assert _printed(on_site) in _pdf_text(document)
    details = _issue_event(document)
    assert details["made_on_site_at"] == on_site.isoformat()
    assert details["signature"]["signed_at"] > on_site.isoformat()


def test_the_onsite_record_made_on_site_is_dated_then_and_a_naive_time_is_refused(
    team, officers, real_pdf
):
    inspection = _started_hours_ago(team, officers)
    with pytest.raises(ValidationError) as refused:
        services.inspection_complete(
            actor=team["officer"],
            inspection=inspection,
            summary="检查了通风系统。",
            made_on_site_at=datetime.datetime(2026, 1, 1, 9, 0),
        )
    assert "made_on_site_at" in refused.value.message_dict
    on_site = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    form = CompleteForm(
        {"summary": "检查了通风系统。", "made_on_site_at": on_site.strftime("%Y-%m-%dT%H:%M")}
    )
    assert form.is_valid(), form.errors
    done = services.inspection_complete(
        actor=team["officer"], inspection=inspection, **form.cleaned_data
    )
    document = done.record_document
    assert _printed(on_site) in _pdf_text(document)
    assert _issue_event(document)["made_on_site_at"] == on_site.isoformat()


def test_the_measure_page_asks_for_the_on_site_time_and_empty_means_issued_now(
    team, officers, client
):
    inspection = _started_hours_ago(team, officers)
    client.force_login(team["officer"])
    url = reverse("inspections:measure_add", args=[inspection.pk])
    assert "现场制作时间" in client.get(url).content.decode()
    body = {"kind": "withdraw_workers", "content": "立即撤出作业人员。"}
    body["legal_basis"] = services.ONSITE_MEASURE_BASIS
    future = timezone.localtime() + datetime.timedelta(days=1)
    refused = client.post(url, {**body, "made_on_site_at": future.strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 400 and "不能晚于现在" in refused.content.decode()
    done = client.post(url, {**body, "made_on_site_at": ""})
    assert done.status_code == 302
    document = inspection.measures.get().document
    assert "made_on_site_at" not in _issue_event(document)
