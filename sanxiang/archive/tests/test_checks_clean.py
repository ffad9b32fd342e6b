"""四性检测 of a sound unit: it passes, proves every original, and reports what it relied on."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from sanxiang.archive.checks import CheckReport, inclusion_evidence, run_checks
from sanxiang.archive.checks.authenticity import verify_evidence
from sanxiang.ledger import keys
from sanxiang.ledger.checkpoint import open_checkpoint
from sanxiang.ledger.models import Checkpoint

from .checks_world import build_unit, open_file

pytestmark = pytest.mark.django_db


def test_a_sound_unit_passes_all_four_checks(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    assert not Checkpoint.objects.exists()

    report = run_checks(unit["spec"], unit["volume"], open_file, pages=unit["pages"])

    assert report.failures() == []
    assert report.passed
    for key in ("authenticity", "integrity", "usability", "security"):
        assert report.section_passed(key) and getattr(report, key), key
    # Authenticity: four originals and the volume, each matched and proved.
    proved = [f for f in report.authenticity if f.code == "proved"]
    assert {f.ref for f in proved} == {"seq:1", "seq:2", "seq:3", "seq:4", "volume"}
    decision = unit["documents"]["decision"]
    assert any(
        f.item == f"第4件 行政处罚决定书（{decision.number.text}）" for f in report.authenticity
    )
    # No checkpoint covered the new entries: the check signed one first.
    assert report.facts.checkpoint_signed_now
    assert report.facts.checkpoint_size == Checkpoint.objects.get().tree_size
    # Usability: PDFs open with fonts embedded, the recording is probed.
    media = next(f for f in report.usability if f.ref == "seq:2")
    assert media.code == "media_ok" and "h264" in media.message and "aac" in media.message
    assert "时长 1.0 秒" in media.message
    assert all(f.code == "pdf_ok" for f in report.usability if f.ref != "seq:2")
    # Security: one batch scan with the shipped test database, which the report says it is.
    assert [f.code for f in report.security] == ["clean"] * 5
    assert report.facts.clamav_engine.startswith("ClamAV ")
    assert report.facts.clamav_test_database
    assert "test.hdb" in report.facts.clamav_database
    assert report.facts.files_checked == 5


def test_a_second_run_reuses_the_checkpoint_and_the_report_round_trips(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    first = run_checks(unit["spec"], unit["volume"], open_file)
    second = run_checks(unit["spec"], unit["volume"], open_file, when="periodic")
    assert second.passed and not second.facts.checkpoint_signed_now
    assert second.facts.checkpoint_size == first.facts.checkpoint_size

    again = CheckReport.from_json(second.to_json())
    assert again == second
    text = second.as_text()
    assert text.startswith("四性检测结果：通过")
    assert "定期检测" in text and "真实性（通过）" in text and "安全性（通过）" in text
    html = render_to_string("archive/check_report.html", {"report": again})
    assert "四性检测" in html and "第4件 行政处罚决定书" in html and "通过" in html
    assert "seq:" not in html and "digest_ok" not in html  # no codes or refs on screen


def test_inclusion_evidence_verifies_against_the_signed_checkpoint(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    recording_ref = unit["items"][1].file.ledger
    evidence = inclusion_evidence(recording_ref)
    assert evidence["sha256"] == unit["recording"].sha256
    assert {"leaf_index", "tree_size", "leaf_hash", "proof", "checkpoint", "entry"} <= set(evidence)
    head = open_checkpoint(evidence["checkpoint"], keys.note_verifiers())
    assert head.size == evidence["tree_size"]
    assert verify_evidence(evidence, head.root_hash) == ""
    # A forged entry body no longer hashes to the proved leaf.
    forged = dict(evidence, entry=evidence["entry"].replace(unit["recording"].sha256, "0" * 64))
    assert "叶哈希不符" in verify_evidence(forged, head.root_hash)
