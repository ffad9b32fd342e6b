"""四性检测, authenticity and usability: changed bytes, unledgered files, files that do not open."""

from __future__ import annotations

import os

import pytest

from sanxiang.archive.checks import run_checks
from sanxiang.archive.spec import Stage
from sanxiang.core.blobstore import blob_local_path, blob_put
from sanxiang.testing import factories

from .checks_world import (
    build_unit,
    document_item,
    issue,
    open_file,
    recording_item,
    unit_spec,
)

pytestmark = pytest.mark.django_db


def failed(report, section: str) -> list:
    return [f for f in getattr(report, section) if not f.ok]


def test_a_recording_whose_stored_bytes_changed_fails_authenticity_and_integrity(
    province, monkeypatch
):
    unit = build_unit(province, monkeypatch, mp4_tag="changed-later")
    recording = unit["recording"]
    path = blob_local_path(recording.blob_path)
    os.chmod(path, 0o644)  # stored originals are read-only; someone with shell access is not
    data = bytearray(path.read_bytes())
    data[-20:] = b"\x00" * 20
    path.write_bytes(bytes(data))

    report = run_checks(unit["spec"], unit["volume"], open_file)

    assert not report.passed
    [changed] = failed(report, "authenticity")
    assert changed.item == "第2件 现场检查录像"
    assert changed.code == "digest_mismatch"
    assert changed.message.startswith("原件内容已改变：重新计算的摘要（SHA-256 ")
    assert "与账本第" in changed.message and recording.sha256[:16] in changed.message
    [stored] = failed(report, "integrity")
    assert stored.item == "第2件 现场检查录像" and stored.code == "file_changed"
    assert "音像记录存储内容与登记的摘要不一致" in stored.message


def test_a_volume_that_was_never_ledgered_fails_authenticity(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    blob = blob_put(b"%PDF-1.4\n% a volume nobody recorded\n")
    volume = unit["volume"].__class__(
        path=blob.path, size=blob.size, sha256=blob.sha256, sm3=blob.sm3,
        media_type="application/pdf", ledger=unit["volume"].ledger.__class__("archive.archiveunit", "999"),
    )  # fmt: skip
    report = run_checks(unit["spec"], volume, open_file)

    [finding] = failed(report, "authenticity")
    assert finding.item == "案卷PDF（卷内文件汇编）"
    assert finding.message == "账本中没有记录该文件摘要的事项，无法证明其真实性"


def test_a_pdf_that_does_not_open_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    broken = issue(
        unit["officer"], "现场检查笔录", "检", pdf=b"%PDF-1.7\n1 0 obj <<\n% cut off\n",
        monkeypatch=monkeypatch,
    )  # fmt: skip
    items = [*unit["items"], document_item(5, Stage.INVESTIGATION, broken)]
    report = run_checks(unit_spec(items), unit["volume"], open_file)

    assert not report.passed
    [finding] = failed(report, "usability")
    assert finding.item == f"第5件 现场检查笔录（{broken.number.text}）"
    assert finding.code == "pdf_unreadable"
    assert finding.message.startswith("PDF 无法打开：不是有效的 PDF 文件（")
    assert report.section_passed("authenticity")  # issued like that: authentic, but unusable


def test_a_recording_that_does_not_play_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    fake = factories.recording(  # an MP4 header and text, no streams
        actor=unit["officer"], data=factories.MP4_HEAD + b"no streams here " * 64
    )
    items = [*unit["items"], recording_item(5, fake)]
    report = run_checks(unit_spec(items), unit["volume"], open_file)

    [finding] = failed(report, "usability")
    assert finding.item == "第5件 现场检查录像"
    assert finding.message == "音像文件无法打开：ffprobe 不能识别其格式或其中没有音视频流"


def test_an_original_missing_from_the_store_is_named(province, monkeypatch):
    unit = build_unit(province, monkeypatch, mp4_tag="lost")
    blob_local_path(unit["recording"].blob_path).unlink()
    report = run_checks(unit["spec"], unit["volume"], open_file)
    assert not report.passed
    messages = {(f.item, f.message) for f in failed(report, "integrity")}
    assert ("第2件 现场检查录像", "音像记录不在存储中或无法读取（存储中找不到该原件）") in messages


def test_without_signing_keys_the_uncovered_entries_are_named(province, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from sanxiang.ledger import keys

    unit = build_unit(province, monkeypatch)

    def no_keys():
        raise ImproperlyConfigured("缺少检查点签名密钥")

    monkeypatch.setattr(keys, "note_signers", no_keys)
    report = run_checks(unit["spec"], unit["volume"], open_file)

    assert not report.passed
    findings = failed(report, "authenticity")
    assert findings[0].message == "无法签署新的检查点（缺少检查点签名密钥）"
    assert {f.code for f in findings} == {"checkpoint_unsigned"}  # no checkpoint at all yet
    assert report.facts.checkpoint_size is None


def test_on_object_storage_each_original_is_streamed_once_into_a_temporary_copy(
    province, monkeypatch
):
    from sanxiang.archive.checks import files, security

    unit = build_unit(province, monkeypatch)
    monkeypatch.setattr(files, "blob_local_path", lambda _path: None)  # as on S3
    scanned = []
    real_scan = security.scan_clamscan

    def recording_scan(paths, database):
        scanned.extend(paths)
        return real_scan(paths, database)

    monkeypatch.setattr(security, "scan_clamscan", recording_scan)
    report = run_checks(unit["spec"], unit["volume"], open_file)

    assert report.passed, report.as_text()
    assert len(scanned) == 5
    assert all("sanxiang-checks-" in p and not os.path.exists(p) for p in scanned)  # cleaned up
