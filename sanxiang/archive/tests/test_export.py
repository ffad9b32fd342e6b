"""移交 (ADR 0135): who may export, the refused export on a failed check, the tar and its ledger
event (with the digest of the bag's file list), bad input on the endpoints, and the periodic
check that finds an original changed on disk (ADR 0136)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import bagit
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sanxiang.archive import export, services, tasks
from sanxiang.archive.models import ArchiveUnit, CheckRun
from sanxiang.core.blobstore import blob_local_path, staging_dir
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    client.get("/account/")
    return client


def _post(client, path, body=None):
    return client.post(
        path,
        data=json.dumps(body if body is not None else {}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )


def _inspection_unit(team) -> ArchiveUnit:
    from sanxiang.inspections import services as inspections

    plan = factories.inspection_plan(
        officers=[team["officer"], team["partner"]], mine=team["mine"], head=team["head"]
    )
    visit = factories.inspection(plan=plan)
    inspections.inspection_complete(actor=team["officer"], inspection=visit, summary="无问题。")
    inspections.inspection_close(actor=team["officer"], inspection=visit, result_summary="无。")
    return ArchiveUnit.objects.get(inspection=visit)


@pytest.fixture
def filed(team):
    unit = _inspection_unit(team)
    services.unit_submit(actor=team["custodian"], unit=unit)
    return services.unit_approve(actor=team["head"], unit=unit)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _extract(data: bytes, where) -> bagit.Bag:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        assert all(m.uid == 0 and not m.uname for m in tar.getmembers())
        tar.extractall(where, filter="data")
        (top,) = {m.name.split("/")[0] for m in tar.getmembers()}
    return bagit.Bag(str(where / top))


def _leftovers() -> list:
    return [p for p in staging_dir().glob("export-*")]


def _change_original(unit: ArchiveUnit) -> None:
    item = unit.items.exclude(file_path="").order_by("seq").first()
    stored = blob_local_path(item.file_path)
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes()[:-1] + b"!")


def test_unit_export_is_a_tar_of_a_valid_bag_and_ledgers_the_file_list(team, filed, tmp_path):
    response = _client(team["custodian"]).post(
        f"/archive/{filed.pk}/export/", {"recipient": "测试省档案馆"}
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/x-tar"
    assert f"{filed.archival_code}.tar" in response["Content-Disposition"] or (
        "filename*" in response["Content-Disposition"]
    )
    data = _body(response)
    bag = _extract(data, tmp_path)
    bag.validate()
    assert bag.path.endswith(filed.archival_code)
    run = CheckRun.objects.get(unit=filed, trigger="export")
    assert run.passed and run.run_by == team["custodian"]
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(run.pk)).exists()
    event = LedgerEntry.objects.get(action="archive.export")
    details = json.loads(event.body)["details"]
    manifest = (tmp_path / filed.archival_code / "manifest-sha256.txt").read_bytes()
    assert details["manifest_sha256"]["sha256"] == hashlib.sha256(manifest).hexdigest()
    assert details["tar_sha256"] == hashlib.sha256(data).hexdigest() == response["X-Content-SHA256"]
    assert details["tar_size"] == len(data)
    assert details["payload_files"] == len(manifest.splitlines()) == len(bag.payload_entries())
    assert details["archival_codes"] == [filed.archival_code]
    assert details["recipient"] == "测试省档案馆" and event.actor_id == team["custodian"].pk
    assert not _leftovers()


def test_who_may_export(team, filed, province):
    # An officer of the agency sees the unit but may not export it (403, no check run).
    with pytest.raises(PermissionDenied):
        export.export_unit(actor=team["officer"], unit=filed)
    assert _client(team["officer"]).post(f"/archive/{filed.pk}/export/").status_code == 403
    assert _post(_client(team["officer"]), f"/api/archive/units/{filed.pk}/export").status_code == (
        403
    )
    # A head of another sub-bureau does not see it (404), on the page and in the API.
    stranger = _client(factories.head(agency=province["b"]))
    assert stranger.post(f"/archive/{filed.pk}/export/").status_code == 404
    assert _post(stranger, f"/api/archive/units/{filed.pk}/export").status_code == 404
    # The page shows the button to custodians and heads only.
    assert "导出移交包" in _client(team["head"]).get(f"/archive/{filed.pk}/").content.decode()
    assert (
        "导出移交包" not in _client(team["officer"]).get(f"/archive/{filed.pk}/").content.decode()
    )
    assert not CheckRun.objects.filter(trigger="export").exists()
    assert not LedgerEntry.objects.filter(action="archive.export").exists()


def test_a_draft_unit_is_not_exported(team):
    unit = _inspection_unit(team)
    with pytest.raises(ValidationError, match="已归档"):
        export.export_unit(actor=team["custodian"], unit=unit)
    response = _post(_client(team["custodian"]), f"/api/archive/units/{unit.pk}/export")
    assert response.status_code == 422
    assert "已归档" in response.json()["errors"][0]["message"]


def test_a_failed_check_refuses_the_export_with_the_report(team, filed):
    _change_original(filed)
    with pytest.raises(export.ExportRefused) as refused:
        export.export_unit(actor=team["custodian"], unit=filed)
    assert any("摘要" in r or "不符" in r or "不一致" in r for r in refused.value.reasons), (
        refused.value.reasons
    )
    run = CheckRun.objects.get(unit=filed, trigger="export")
    assert not run.passed
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(run.pk)).exists()
    page = _client(team["custodian"]).post(f"/archive/{filed.pk}/export/")
    assert page.status_code == 409 and "四性检测未通过" in page.content.decode()
    api = _post(_client(team["custodian"]), f"/api/archive/units/{filed.pk}/export")
    assert api.status_code == 409
    assert api["Content-Type"].startswith("application/problem+json")
    assert api.json()["errors"][0]["field"] == "check"
    assert not LedgerEntry.objects.filter(action="archive.export").exists()
    assert not _leftovers()


BAD_BODIES = [
    {},
    {"year": 2026},
    {"agency_id": "甲", "year": 2026},
    {"agency_id": 1, "year": 12},
    {"agency_id": 1, "year": 2026, "extra": True},
    {"agency_id": 1, "year": 2026, "recipient": "接" * 101},
    [1, 2026],
]


def test_bad_input_on_the_export_endpoints(team, filed):
    client = _client(team["custodian"])
    events = LedgerEntry.objects.count()
    for body in BAD_BODIES:
        response = _post(client, "/api/archive/exports/agency-year", body)
        assert 400 <= response.status_code < 500, body
        assert response["Content-Type"].startswith("application/problem+json"), body
        assert response.json()["title"]
    not_json = client.post(
        "/api/archive/exports/agency-year",
        data="{",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert not_json.status_code == 400
    # A year without filed units: a field message in Chinese.
    response = _post(
        client, "/api/archive/exports/agency-year", {"agency_id": filed.agency_id, "year": 1999}
    )
    assert response.status_code == 422
    assert "没有已归档的案卷" in response.json()["errors"][0]["message"]
    long = _post(client, f"/api/archive/units/{filed.pk}/export", {"recipient": "接" * 101})
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "recipient"
    assert _post(client, f"/api/archive/units/{filed.pk}/export", []).status_code == 422
    page = client.post(f"/archive/{filed.pk}/export/", {"recipient": "接" * 101})
    assert page.status_code == 400 and "接收单位最多" in page.content.decode()
    assert _post(client, "/api/archive/units/999999/export").status_code == 404
    assert _post(client, "/api/archive/mines/999999/export").status_code == 404
    # The page's picker refuses a year it does not offer.
    page = client.post("/archive/export/", {"agency": filed.agency_id, "year": "1999"})
    assert page.status_code == 400 and "请选择有已归档案卷的年度" in page.content.decode()
    assert LedgerEntry.objects.count() == events
    assert not CheckRun.objects.filter(trigger="export").exists()


def test_agency_year_export_through_the_api(team, filed, tmp_path):
    client = _client(team["head"])
    response = _post(
        client,
        "/api/archive/exports/agency-year",
        {"agency_id": filed.agency_id, "year": filed.year},
    )
    assert response.status_code == 200, response.content
    bag = _extract(_body(response), tmp_path)
    bag.validate()
    assert (tmp_path / bag.path.split("/")[-1] / "data" / filed.archival_code).is_dir()
    listing = client.get("/archive/").content.decode()
    assert "按年度移交" in listing and str(filed.year) in listing


def test_periodic_check_finds_a_changed_original(team, filed):
    other = _inspection_unit(team)
    services.unit_submit(actor=team["custodian"], unit=other)
    other = services.unit_approve(actor=team["head"], unit=other)
    # Oldest check first: the batch of one takes the unit checked longest ago.
    CheckRun.objects.filter(unit=other).update(
        ran_at=filed.check_runs.first().ran_at.replace(year=2000)
    )
    (first,) = tasks.fixity_run(limit=1)
    assert first.unit_id == other.pk and first.trigger == "periodic" and first.passed
    _change_original(filed)
    (second,) = tasks.fixity_run(limit=1)
    assert second.unit_id == filed.pk and not second.passed
    assert LedgerEntry.objects.filter(action="archive.check", object_id=str(second.pk)).exists()
    from sanxiang.core import dashboard

    (alert,) = dashboard.archive_fixity_failures(user=team["custodian"])
    assert alert.url.endswith(f"/archive/{filed.pk}/#check")
    assert dashboard.archive_fixity_failures(user=team["head"])
    assert dashboard.archive_fixity_failures(user=team["officer"]) == []
    home = _client(team["custodian"]).get("/").content.decode()
    assert "四性检测未通过的已归档案卷" in home and "查看检测报告" in home
    unit_page = _client(team["custodian"]).get(f"/archive/{filed.pk}/").content.decode()
    assert "定期" in unit_page and "未通过" in unit_page
    assert tasks.fixity_tick.call() == {"checked": 2, "failed": 1}


def test_mine_file_export(team, filed, tmp_path):
    client = _client(team["custodian"])
    page = client.get(f"/registry/mines/{team['mine'].pk}/file/").content.decode()
    assert "导出全部" in page
    response = client.post(f"/archive/mines/{team['mine'].pk}/export/")
    assert response.status_code == 200, response.content.decode()[-3000:]
    _extract(_body(response), tmp_path).validate()
    event = LedgerEntry.objects.get(action="archive.export")
    assert event.object_type == "registry.coalmine"
    assert LedgerEntry.objects.filter(action="archive.check", object_type="registry.coalmine")
    officer_page = _client(team["officer"]).get(f"/registry/mines/{team['mine'].pk}/file/")
    assert "导出全部" not in officer_page.content.decode()


def test_recordings_streamed_into_a_package_are_logged_downloads(team):
    """A custodian's export streams a recording as a download with the export as its ground;
    a head who is neither on the team nor a custodian is refused, and the refusal is logged."""
    from sanxiang.archive.spec import LedgerRef, StoredFile

    recording = factories.recording(actor=team["officer"])
    file = StoredFile(
        path=recording.blob_path,
        size=recording.size,
        sha256=recording.sha256,
        sm3=recording.sm3,
        media_type="video/mp4",
        ledger=LedgerRef(object_type=export.RECORDING_TYPE, object_id=str(recording.pk)),
    )
    with export._recording_opener(team["custodian"], "export:J001-0001")(file) as handle:
        assert handle.read(8)
    (download,) = LedgerEntry.objects.filter(action="recording.download")
    assert json.loads(download.body)["details"]["ground"] == "export:J001-0001"
    with pytest.raises(PermissionDenied, match="无权下载"):
        export._recording_opener(team["head"], "export:J001-0001")(file)
    (refused,) = LedgerEntry.objects.filter(action="recording.access_refused")
    assert refused.actor_id == team["head"].pk
    assert json.loads(refused.body)["details"]["ground"] == "export:J001-0001"
