"""四性检测, security: ClamAV finds the EICAR test file, in one batch; the database is judged.

The shipped database is the EICAR-only test database; production settings must refuse it, and
a real (dated) database older than the limit. A dated database is built here with ``sigtool
--build --unsigned`` from the test signatures, and its build date set back for the stale case.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from sanxiang.archive.checks import run_checks, security
from sanxiang.archive.spec import Stage

from .checks_world import EICAR, build_unit, document_item, issue, open_file, unit_spec

pytestmark = pytest.mark.django_db


def failed(report, section: str) -> list:
    return [f for f in getattr(report, section) if not f.ok]


def dated_database(directory: Path, built: datetime.datetime) -> Path:
    """A ``daily.cud`` holding the test signatures, with ``built`` as its build time."""
    directory.mkdir(parents=True, exist_ok=True)
    work = directory.parent / "build"
    work.mkdir()
    shutil.copy(Path(django_settings.SANXIANG_CLAMAV_DB_DIR) / "test.hdb", work / "daily.hdb")
    (work / "COPYING").write_text("test\n")
    subprocess.run(
        ["sigtool", "--build=daily.cud", "--unsigned", "--cvd-version=1", "--no-cdiff",
         f"--datadir={work}"],
        cwd=work, input=b"sanxiang-test\n", capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    data = (work / "daily.cud").read_bytes()
    fields = data[:512].decode("ascii").rstrip().split(":")
    fields[1] = built.strftime(
        "%d %b %Y %H-%M +0000"
    )  # the header's build time (what sigtool reads)
    header = ":".join(fields).ljust(512).encode("ascii")
    target = directory / "daily.cud"
    target.write_bytes(header + data[512:])
    return target


def test_a_file_carrying_the_eicar_string_is_flagged_in_one_batch_scan(province, monkeypatch):
    unit = build_unit(province, monkeypatch)
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Note (" + EICAR.encode("ascii") + b") >>\nendobj\n%%EOF\n"
    carrier = issue(unit["officer"], "询问笔录", "询", pdf=pdf, monkeypatch=monkeypatch)
    items = [*unit["items"], document_item(5, Stage.INVESTIGATION, carrier)]
    starts = []
    real_run = subprocess.run

    def counting_run(args, *a, **k):
        if args[0] == "clamscan":
            starts.append(args)
        return real_run(args, *a, **k)

    monkeypatch.setattr(security.subprocess, "run", counting_run)
    report = run_checks(unit_spec(items), unit["volume"], open_file)

    assert not report.passed
    [virus] = failed(report, "security")
    assert virus.item == f"第5件 询问笔录（{carrier.number.text}）"
    assert virus.code == "virus"
    assert virus.message == "发现病毒或恶意代码：Sanxiang.Test.EICAR-NDB.UNOFFICIAL"
    scans = [args for args in starts if any(a.startswith("--file-list=") for a in args)]
    assert len(scans) == 1  # six files, one clamscan start (plus one --version)
    assert len([a for a in starts if a not in scans]) == 1


def test_production_settings_refuse_the_test_database(province, monkeypatch, settings):
    settings.SANXIANG_CLAMAV_REQUIRE_CURRENT_DB = True
    unit = build_unit(province, monkeypatch)
    report = run_checks(unit["spec"], unit["volume"], open_file)

    assert not report.passed
    [finding] = failed(report, "security")
    assert finding.item == "病毒特征库"
    assert finding.message.startswith(
        "只有测试特征库（test.hdb、test.ndb），没有带版本和日期的正式病毒特征库"
    )


def test_the_test_database_catches_the_bare_file_and_the_string_inside_a_file(tmp_path):
    """The shipped test database: ``test.hdb`` (MD5 of the bare 68-byte file) and ``test.ndb``
    (the EICAR string anywhere in a file's body, e.g. inside a PDF). Nothing else."""
    bare, inside, clean = tmp_path / "eicar.com", tmp_path / "carrier.pdf", tmp_path / "ok.pdf"
    bare.write_bytes(EICAR.encode("ascii"))
    inside.write_bytes(b"%PDF-1.4\n% note: " + EICAR.encode("ascii") + b" end\n%%EOF\n")
    clean.write_bytes(b"%PDF-1.4\n% EICAR is mentioned, not carried\n%%EOF\n")
    paths = [str(bare), str(inside), str(clean)]
    result = security.scan_clamscan(paths, str(django_settings.SANXIANG_CLAMAV_DB_DIR))
    assert not result.failure
    assert result.found[str(bare)].startswith("Sanxiang.Test.EICAR-")
    assert result.found[str(inside)] == "Sanxiang.Test.EICAR-NDB.UNOFFICIAL"
    assert not result.found.get(str(clean))


@pytest.mark.parametrize(("age_days", "passes"), [(7, True), (9, False)])
def test_production_settings_refuse_a_stale_database(
    province, monkeypatch, settings, tmp_path, age_days, passes
):
    built = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=age_days, hours=1)
    dated_database(tmp_path / "db", built)
    settings.SANXIANG_CLAMAV_DB_DIR = tmp_path / "db"
    settings.SANXIANG_CLAMAV_REQUIRE_CURRENT_DB = True
    settings.SANXIANG_CLAMAV_MAX_AGE_DAYS = 7
    unit = build_unit(province, monkeypatch)
    report = run_checks(unit["spec"], unit["volume"], open_file)

    assert report.facts.clamav_database == "daily 1（1 条签名）"
    assert report.facts.clamav_database_date.startswith(built.date().isoformat())
    assert not report.facts.clamav_test_database
    assert report.passed is passes
    if not passes:
        [finding] = failed(report, "security")
        assert finding.message == (
            f"病毒特征库已过期：最新特征库日期为 {built.date().isoformat()}，"
            "距今 9 天，超过 7 天的期限"
        )


def test_zip_files_are_named_and_encrypted_ones_refused(tmp_path):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "内容")
    encrypted = tmp_path / "encrypted.zip"
    data = bytearray(plain.read_bytes())
    data[6] |= 1  # the general-purpose flag "encrypted" of the first entry
    encrypted.write_bytes(bytes(data))
    rar = tmp_path / "x.rar"
    rar.write_bytes(b"Rar!\x1a\x07\x01\x00rest")

    assert security.package_problem(plain) == (True, "是 ZIP 压缩包（公开的压缩格式，未加密）")
    assert security.package_problem(encrypted) == (False, "是加密的 ZIP 压缩包，归档文件不得加密")
    assert security.package_problem(rar) == (
        False,
        "是 RAR 压缩包，归档文件不得使用非公开的压缩格式",
    )
    assert security.package_problem(Path(__file__)) is None


def test_clamd_is_asked_in_one_session(tmp_path):
    """A stand-in clamd on a Unix socket answers as clamd 1.4 does in an IDSESSION (replies
    recorded from a real clamd with the test database); one connection serves all files."""
    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    connections = []
    version = "ClamAV 1.4.6/27845/Sun Dec  6 09:22:01 2026"
    verdicts = {
        "/data/good": "OK",
        "/data/bad": "Sanxiang.Test.EICAR-HDB.UNOFFICIAL FOUND",
        "/data/gone": "File path check failure: No such file or directory. ERROR",
    }

    def serve():
        conn, _ = server.accept()
        connections.append(conn)
        data = b""
        while not data.endswith(b"zEND\0"):
            data += conn.recv(4096)
        replies = []
        for n, command in enumerate(data.split(b"\0")[1:-2], start=1):
            if command == b"zVERSION":
                replies.append(f"{n}: {version}")
            else:
                target = command.decode().removeprefix("zSCAN ")
                replies.append(f"{n}: {target}: {verdicts[target]}")
        conn.sendall(b"".join(r.encode() + b"\0" for r in reversed(replies)))  # any order
        conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    result, reply = security.scan_clamd(list(verdicts), path)
    thread.join(5)
    server.close()

    assert len(connections) == 1
    assert reply == version
    assert result.found == {"/data/good": "", "/data/bad": "Sanxiang.Test.EICAR-HDB.UNOFFICIAL"}
    assert result.errors == {"/data/gone": "File path check failure: No such file or directory."}
    info = security._clamd_database(version)
    assert info.describe() == "daily 27845" and not info.test_only
    assert info.newest == datetime.datetime(2026, 12, 6, 9, 22, 1, tzinfo=datetime.UTC)
    assert security._clamd_database("ClamAV 1.4.6").test_only  # what clamd says with test.hdb
