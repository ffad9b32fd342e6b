"""Docking-station device tokens over the real tus endpoints (no cookies, CSRF enforced)."""

import pytest
from django.test import Client

from sanxiang.api.tokens import api_token_create, api_token_create_for_device
from sanxiang.evidence.models import Recording, Upload
from sanxiang.evidence.tests.conftest import Tus, mp4_bytes
from sanxiang.testing import factories


@pytest.fixture
def station(province):
    officer = factories.officer(agency=province["a"], full_name="张记录")
    custodian = factories.custodian(agency=province["a"])
    device = factories.recording_device(agency=province["a"], keeper=officer)
    _token, raw = api_token_create_for_device(actor=custodian, device=device, name="一号采集站")
    return {"officer": officer, "device": device, "raw": raw}


def test_device_token_uploads_as_the_keeper_for_its_own_device(station):
    tus = Tus(Client(enforce_csrf_checks=True), station["raw"])
    _url, response = tus.upload(mp4_bytes(4096), title="井下检查")
    assert response.status_code == 204
    upload = Upload.objects.get()
    assert upload.owner == station["officer"]
    recording = Recording.objects.get()
    assert recording.device == station["device"]


def test_device_token_refuses_another_device_and_survives_a_password_change(station):
    tus = Tus(Client(enforce_csrf_checks=True), station["raw"])
    other = tus.create(mp4_bytes(1024), device="OTHER-0001")
    assert other.status_code == 400
    assert station["device"].serial_number in other.content.decode()
    station["officer"].set_password("Ganz-Neues-Passwort-2026")
    station["officer"].save()
    assert tus.create(mp4_bytes(1024)).status_code == 201


def test_a_token_without_the_upload_scope_cannot_use_tus(station):
    _token, raw = api_token_create(actor=station["officer"], name="只读", scopes=["evidence:write"])
    response = Tus(Client(enforce_csrf_checks=True), raw).create(mp4_bytes(1024))
    assert response.status_code == 401
