"""安全性 (security): no file carries malware, encryption or a non-public compression format.

Virus scan: ClamAV from Debian's ``clamav`` package. Agencies have no internet, so the signature
database is a directory (``SANXIANG_CLAMAV_DB_DIR``) an intranet mirror keeps current; the
project ships a *test* database holding only the EICAR test signature (``archive/data/clamav``)
for tests and the demo. All files of a run are scanned by ONE ``clamscan --file-list`` start
(loading a real database takes seconds, scanning a file milliseconds), or through a running
clamd when ``SANXIANG_CLAMD_SOCKET`` is set (one connection, one session).

The report records the engine and the database's version and date (``sigtool --info`` on the
``.cvd``/``.cld``/``.cud`` containers). With ``SANXIANG_CLAMAV_REQUIRE_CURRENT_DB`` (on under
production settings) the check fails when the directory holds no dated database — only loose
signature files such as the test database — or when the newest one is older than
``SANXIANG_CLAMAV_MAX_AGE_DAYS``. See ADR 0117 for what this proves and what it does not.
"""

from __future__ import annotations

import datetime
import os
import re
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .files import ReadFile
from .report import Finding

CONTAINERS = (".cvd", ".cld", ".cud")
SIGNATURE_FILES = (
    ".hdb", ".hsb", ".hdu", ".hsu", ".mdb", ".msb", ".mdu", ".msu", ".ndb", ".ndu", ".ldb",
    ".ldu", ".idb", ".cdb", ".fp", ".sfp", ".ign", ".ign2", ".ftm", ".cfg", ".yar", ".yara",
    ".pdb", ".gdb", ".wdb", ".cbc", ".crb", ".imp", ".pwdb", ".info",
)  # fmt: skip
SCAN_TIMEOUT = 6 * 3600  # a batch of multi-gigabyte recordings
# ClamAV 1.x cannot scan more than 4 GB of one file; asking for the largest limits and an alert
# when they are exceeded makes a file that was not scanned through say so, instead of "OK".
SCAN_LIMITS = ["--max-filesize=4000M", "--max-scansize=4000M", "--alert-exceeds-max=yes"]
_C_LOCALE = {**os.environ, "LC_ALL": "C", "LANG": "C"}


@dataclass
class Container:
    name: str
    version: str
    built: datetime.datetime | None
    signatures: str


@dataclass
class DatabaseInfo:
    directory: str
    containers: list[Container] = field(default_factory=list)
    loose_files: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def test_only(self) -> bool:
        """No dated, versioned database: only loose signature files (e.g. the test database)."""
        return not self.containers

    @property
    def newest(self) -> datetime.datetime | None:
        dates = [c.built for c in self.containers if c.built]
        return max(dates) if dates else None

    def describe(self) -> str:
        if self.containers:
            return "，".join(
                f"{c.name} {c.version}"
                + (f"（{c.signatures} 条签名）" if c.signatures != "?" else "")
                for c in self.containers
            )
        if self.loose_files:
            return "、".join(self.loose_files)
        return ""


def _setting(name: str, default=None):
    return getattr(settings, name, default)


def _parse_build_time(text: str) -> datetime.datetime | None:
    for pattern in ("%d %b %Y %H:%M %z", "%d %b %Y %H-%M %z"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    return None


def database_info(directory: str | Path) -> DatabaseInfo:
    """Versions and dates of the signature database in ``directory`` (``sigtool --info``)."""
    path = Path(directory)
    info = DatabaseInfo(directory=str(path))
    if not path.is_dir():
        info.error = _("病毒特征库目录不存在：%(d)s") % {"d": path}
        return info
    for entry in sorted(path.iterdir()):
        suffix = entry.suffix.lower()
        if suffix in CONTAINERS:
            result = subprocess.run(
                ["sigtool", f"--info={entry}"],
                capture_output=True,
                timeout=120,
                check=False,
                env=_C_LOCALE,
            )
            fields = dict(
                line.split(": ", 1)
                for line in result.stdout.decode("utf-8", "replace").splitlines()
                if ": " in line
            )
            info.containers.append(
                Container(
                    name=entry.stem,
                    version=fields.get("Version", "?"),
                    built=_parse_build_time(fields.get("Build time", "")),
                    signatures=fields.get("Signatures", "?"),
                )
            )
        elif suffix in SIGNATURE_FILES:
            info.loose_files.append(entry.name)
    if not info.containers and not info.loose_files:
        info.error = _("病毒特征库目录中没有特征库文件：%(d)s") % {"d": path}
    return info


def database_problems(info: DatabaseInfo, now: datetime.datetime | None = None) -> list[str]:
    """Why the database is not good enough under the current settings ([] when it is)."""
    if info.error:
        return [info.error]
    if not _setting("SANXIANG_CLAMAV_REQUIRE_CURRENT_DB", False):
        return []
    if info.test_only:
        return [
            _(
                "只有测试特征库（%(f)s），没有带版本和日期的正式病毒特征库；"
                "请将病毒特征库目录指向内网镜像更新的特征库"
            )
            % {"f": info.describe()}
        ]
    limit = int(_setting("SANXIANG_CLAMAV_MAX_AGE_DAYS", 7))
    newest = info.newest
    now = now or timezone.now()
    if newest is None:
        return [_("无法读取病毒特征库的日期")]
    age = (now - newest).days
    if age > limit:
        return [
            _("病毒特征库已过期：最新特征库日期为 %(d)s，距今 %(a)s 天，超过 %(l)s 天的期限")
            % {"d": newest.date().isoformat(), "a": age, "l": limit}
        ]
    return []


def engine_version() -> str:
    result = subprocess.run(
        ["clamscan", "--version"], capture_output=True, timeout=60, check=False, env=_C_LOCALE
    )
    return result.stdout.decode("utf-8", "replace").strip().split("/")[0]


@dataclass
class ScanResult:
    """Per path: "" clean, a signature name when infected; ``errors`` for paths not scanned."""

    found: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    failure: str = ""  # the scanner itself did not run


def _split_reply(line: str, paths: set[str]) -> tuple[str, str] | None:
    """``"<path>: <verdict>"`` → (path, verdict), for a path we asked about (paths and messages
    may both contain ": ", so every split point is tried against the known paths)."""
    at = line.find(": ")
    while at >= 0:
        if line[:at] in paths:
            return line[:at], line[at + 2 :]
        at = line.find(": ", at + 1)
    return None


def _parse_lines(text: str, result: ScanResult, paths: set[str]) -> None:
    for line in text.splitlines():
        line = re.sub(r"^\d+: ", "", line.strip())  # clamd session replies are numbered
        reply = _split_reply(line, paths)
        if reply is None:
            continue
        path, verdict = reply
        if verdict == "OK":
            result.found[path] = ""
        elif verdict.endswith(" FOUND"):
            result.found[path] = verdict.removesuffix(" FOUND")
        else:
            result.errors[path] = verdict.removesuffix(" ERROR")


def scan_clamscan(paths: list[str], database: str) -> ScanResult:
    """One clamscan start for every path (``--file-list``)."""
    result = ScanResult()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as listing:
        listing.write("".join(f"{p}\n" for p in paths))
        listing.flush()
        try:
            run = subprocess.run(
                [
                    "clamscan",
                    f"--database={database}",
                    "--no-summary",
                    *SCAN_LIMITS,
                    f"--file-list={listing.name}",
                ],
                capture_output=True,
                timeout=SCAN_TIMEOUT,
                check=False,
                env=_C_LOCALE,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            result.failure = str(exc)
            return result
    _parse_lines(run.stdout.decode("utf-8", "replace"), result, set(paths))
    if run.returncode not in (0, 1) and not result.found:
        stderr = run.stderr.decode("utf-8", "replace").strip().splitlines()
        result.failure = stderr[-1] if stderr else f"clamscan exit {run.returncode}"
    return result


def scan_clamd(paths: list[str], socket_path: str) -> tuple[ScanResult, str]:
    """Scan through clamd in one session; returns the result and clamd's VERSION line."""
    result = ScanResult()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(SCAN_TIMEOUT)
            conn.connect(socket_path)
            commands = [b"zIDSESSION", b"zVERSION"] + [b"zSCAN " + p.encode("utf-8") for p in paths]
            conn.sendall(b"".join(c + b"\0" for c in commands) + b"zEND\0")
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
    except OSError as exc:
        result.failure = str(exc)
        return result, ""
    # Replies in a session carry the request number and may come in any order; VERSION is 1.
    replies = [r.decode("utf-8", "replace") for r in data.split(b"\0") if r]
    version = next((r.removeprefix("1: ") for r in replies if r.startswith("1: ")), "")
    _parse_lines("\n".join(r for r in replies if not r.startswith("1: ")), result, set(paths))
    return result, version


def _clamd_database(version: str) -> DatabaseInfo:
    """clamd's VERSION reply ``ClamAV 1.4.6/27000/Sun Dec  6 09:22:01 2026`` as database info."""
    info = DatabaseInfo(directory=_("clamd 配置的特征库"))
    parts = version.split("/")
    if len(parts) >= 3 and parts[1].strip() not in ("", "0"):
        try:
            built = datetime.datetime.strptime(" ".join(parts[2].split()), "%a %b %d %H:%M:%S %Y")
            built = built.replace(tzinfo=datetime.UTC)
        except ValueError:
            built = None
        info.containers.append(Container("daily", parts[1].strip(), built, "?"))
    else:
        info.loose_files.append(_("无版本信息的特征库"))
    return info


_MAGIC = {
    b"PK\x03\x04": "ZIP",
    b"Rar!\x1a\x07": "RAR",
    b"7z\xbc\xaf\x27\x1c": "7z",
}


def package_problem(path: Path) -> tuple[bool, str] | None:
    """(ok, words) when the file is an archive or encrypted; None for an ordinary file."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        kind = next((k for magic, k in _MAGIC.items() if head.startswith(magic)), None)
        if kind is None:
            return None
        if kind == "ZIP":
            handle.seek(6)
            flags = int.from_bytes(handle.read(2), "little")
            if flags & 1:
                return False, _("是加密的 ZIP 压缩包，归档文件不得加密")
            return True, _("是 ZIP 压缩包（公开的压缩格式，未加密）")
    return False, _("是 %(k)s 压缩包，归档文件不得使用非公开的压缩格式") % {"k": kind}


@dataclass
class SecurityResult:
    findings: list[Finding]
    engine: str
    database: DatabaseInfo
    via: str


def check(files: list[ReadFile]) -> SecurityResult:
    findings: list[Finding] = []
    readable = [t for t in files if t.readable]
    socket_path = _setting("SANXIANG_CLAMD_SOCKET", "")
    if socket_path:
        scan, version = scan_clamd([str(t.path) for t in readable], socket_path)
        engine, database, via = version.split("/")[0], _clamd_database(version), "clamd"
    else:
        directory = str(_setting("SANXIANG_CLAMAV_DB_DIR"))
        engine, database, via = engine_version(), database_info(directory), "clamscan"
        scan = (
            scan_clamscan([str(t.path) for t in readable], directory)
            if readable and not database.error
            else ScanResult()
        )
    for problem in database_problems(database):
        findings.append(Finding(False, _("病毒特征库"), problem, "database", "unit"))
    if scan.failure:
        findings.append(
            Finding(
                False,
                _("病毒扫描"),
                _("病毒扫描程序未能运行（%(e)s）") % {"e": scan.failure},
                "scan_failed",
                "unit",
            )
        )
    for target in files:
        label, ref = target.label, target.ref
        if not target.readable:
            findings.append(Finding(False, label, _("无法读取原件，未能扫描"), "unreadable", ref))
            continue
        path = str(target.path)
        signature = scan.found.get(path)
        if signature:
            if signature.startswith("Heuristics.Limits.Exceeded"):
                message = _("文件超过病毒扫描的大小上限，未能完整扫描（%(s)s）") % {"s": signature}
                findings.append(Finding(False, label, message, "scan_incomplete", ref))
            else:
                message = _("发现病毒或恶意代码：%(s)s") % {"s": signature}
                findings.append(Finding(False, label, message, "virus", ref))
        elif signature == "":
            findings.append(Finding(True, label, _("病毒扫描未发现问题"), "clean", ref))
        elif not scan.failure and not database.error:
            error = scan.errors.get(path, _("扫描程序没有报告该文件"))
            findings.append(
                Finding(False, label, _("未能扫描（%(e)s）") % {"e": error}, "not_scanned", ref)
            )
        packaged = package_problem(target.path)
        if packaged is not None:
            ok, words = packaged
            findings.append(Finding(ok, label, words, "package", ref))
    return SecurityResult(findings=findings, engine=engine, database=database, via=via)
