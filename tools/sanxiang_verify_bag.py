"""sanxiang_verify bag — 离线核验移交包 / offline check of a transfer package (BagIt bag).

Part of ``sanxiang_verify.py`` (keep the two files side by side); standard library only.
Checks, and names every failure (not just the first):

1. BagIt structure (RFC 8493): ``bagit.txt``, ``data/``, ``bag-info.txt`` with a
   ``Payload-Oxum`` equal to the payload's bytes and file count;
2. every line of ``manifest-sha256.txt`` and ``manifest-sm3.txt`` (both required) against the
   payload, every payload file listed, and every line of the tag manifests present;
3. for every original under ``data/<unit>/files/``: its proof ``data/<unit>/proofs/<name>.json``
   exists; the ledger entry in the proof hashes to the proof's leaf; the entry names the
   object and sequence number the proof claims; the digests the entry recorded (at
   ``digest_paths``) equal the file's own SHA-256/SM3; and the inclusion proof leads to the root
   of the proof's checkpoint;
4. every checkpoint (``data/ledger/checkpoint.txt`` and the one in each proof) is signed by the
   verifier keys in ``data/ledger/verifier-keys.txt`` — and, with ``--key FILE``, by a key the
   checker got separately (from the agency's published page, a letter, the superior agency).
   Keys inside the bag only show the bag is consistent with itself: whoever forged the bag
   could have put their own key in it (ADR 0121). Without ``--key`` a warning says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:  # loaded by sanxiang_verify.py, which registers itself under this name …
    import sanxiang_verify as core
except ImportError:  # … or imported as part of the package (tests, the entry point)
    from tools import sanxiang_verify as core  # type: ignore[no-redef]

VerifyError = core.VerifyError
CHUNK = 1024 * 1024
ALGORITHMS = {"sha256": "SHA-256", "sm3": "SM3"}
LEDGER_DIR = "ledger"


class Report:
    """Failures collected over the whole bag, each with the file it concerns."""

    def __init__(self) -> None:
        self.failures: list[tuple[str, VerifyError]] = []
        self.notes: list[str] = []

    def fail(self, where: str, zh: str, en: str) -> None:
        self.failures.append((where, VerifyError(zh, en)))

    def check(self, where: str, call, *args, **kwargs) -> Any:
        try:
            return call(*args, **kwargs)
        except VerifyError as exc:
            self.failures.append((where, exc))
            return None


def _tags(path: Path) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    last = None
    for line in core._read_text(path).splitlines():
        if line[:1] in (" ", "\t") and last:
            tags[last][-1] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip()
            tags.setdefault(last, []).append(value.strip())
    return tags


def _decode_path(text: str) -> str:
    return re.sub(
        "%(0D|0A|25)", lambda m: {"0D": "\r", "0A": "\n", "25": "%"}[m[1].upper()], text, flags=re.I
    )


def _manifest(report: Report, path: Path, where: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(core._read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        name = _decode_path(parts[1].lstrip("*")) if len(parts) == 2 else ""
        if not name or name.startswith("/") or ".." in name.split("/"):
            report.fail(f"{where}:{number}", "清单行格式错误或路径不安全", "bad or unsafe line")
            continue
        entries[name] = parts[0].lower()
    return entries


def _hash_file(path: Path) -> dict[str, str]:
    hashers = {name: hashlib.new(name) for name in ALGORITHMS}
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            for hasher in hashers.values():
                hasher.update(block)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def _payload_files(bag: Path) -> dict[str, int]:
    files: dict[str, int] = {}
    for directory, _dirs, names in os.walk(bag / "data"):
        for name in names:
            full = Path(directory) / name
            files[full.relative_to(bag).as_posix()] = full.stat().st_size
    return files


def check_structure(report: Report, bag: Path) -> dict[str, int] | None:
    """bagit.txt, data/ and Payload-Oxum; None when the bag cannot be read further."""
    if not (bag / "bagit.txt").is_file() or not (bag / "data").is_dir():
        report.fail(
            str(bag), "不是 BagIt 包：缺少 bagit.txt 或 data/", "not a bag: no bagit.txt or data/"
        )
        return None
    declaration = report.check("bagit.txt", _tags, bag / "bagit.txt") or {}
    if not declaration.get("BagIt-Version") or declaration.get("Tag-File-Character-Encoding", [""])[
        0
    ].upper() not in ("UTF-8",):
        report.fail(
            "bagit.txt", "bagit.txt 须声明版本和 UTF-8 编码", "bagit.txt lacks version/UTF-8"
        )
    files = _payload_files(bag)
    info = report.check("bag-info.txt", _tags, bag / "bag-info.txt") or {}
    oxum = (info.get("Payload-Oxum") or [""])[0]
    actual = f"{sum(files.values())}.{len(files)}"
    if oxum != actual:
        report.fail(
            "bag-info.txt",
            f"Payload-Oxum 为 {oxum or '（缺失）'}，实际为 {actual}（字节数.文件数）",
            f"Payload-Oxum is {oxum or '(missing)'}, payload is {actual} (octets.files)",
        )
    return files


def check_manifests(report: Report, bag: Path, files: dict[str, int]) -> dict[str, dict[str, str]]:
    """Both payload manifests and the tag manifests; returns the payload's own digests."""
    manifests = {}
    for algorithm, label in ALGORITHMS.items():
        name = f"manifest-{algorithm}.txt"
        if not (bag / name).is_file():
            report.fail(name, f"缺少 {label} 清单", f"{label} manifest is missing")
            continue
        manifests[algorithm] = report.check(name, _manifest, report, bag / name, name) or {}
    listed = set().union(*(m.keys() for m in manifests.values())) if manifests else set()
    for path in sorted(listed - files.keys()):
        report.fail(path, "清单所列文件缺少（被删除或改名）", "file in the manifest is missing")
    for path in sorted(files.keys() - listed):
        report.fail(path, "文件未列入清单（被添加）", "file is not in the manifests")
    digests: dict[str, dict[str, str]] = {}
    for path in sorted(files):
        digests[path] = actual = _hash_file(bag / path)
        for algorithm, entries in manifests.items():
            if path in entries and entries[path] != actual[algorithm]:
                label = ALGORITHMS[algorithm]
                report.fail(
                    path, f"{label} 摘要值与清单不符", f"{label} digest differs from manifest"
                )
    for algorithm, label in ALGORITHMS.items():
        name = f"tagmanifest-{algorithm}.txt"
        if not (bag / name).is_file():
            continue
        for path, expected in (
            report.check(name, _manifest, report, bag / name, name) or {}
        ).items():
            if not (bag / path).is_file():
                report.fail(path, f"{name} 所列标签文件缺少", f"tag file in {name} is missing")
            elif hashlib.new(algorithm, (bag / path).read_bytes()).hexdigest() != expected:
                report.fail(
                    path, f"标签文件 {label} 摘要值不符", f"tag file {label} digest differs"
                )
    return digests


class Trust:
    """Verifies checkpoint notes against the bag's keys and, if given, the separate key file."""

    def __init__(self, bag_keys: Sequence[core.VerifierKey], outside: Sequence[core.VerifierKey]):
        self.sets = [("包内公钥 / keys in the bag", bag_keys)]
        if outside:
            self.sets.append(("另行取得的公钥 / key obtained separately", outside))
        self._seen: dict[str, core.Checkpoint | VerifyError] = {}

    def open(self, note: str) -> core.Checkpoint:
        if note not in self._seen:
            try:
                checkpoint = None
                for label, keys in self.sets:
                    try:
                        checkpoint = core.open_checkpoint(note, keys)
                    except VerifyError as exc:
                        raise VerifyError(f"{exc.zh}（{label}）", f"{exc.en} ({label})") from exc
                assert checkpoint is not None
                self._seen[note] = checkpoint
            except VerifyError as exc:
                self._seen[note] = exc
        result = self._seen[note]
        if isinstance(result, VerifyError):
            raise result
        return result


def _at(entry: dict[str, Any], path: Sequence[str]) -> Any:
    value: Any = entry
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def check_proof(proof_path: Path, file_digests: dict[str, str] | None, trust: Trust) -> str:
    """One original against its ledger entry, the inclusion proof and the checkpoint."""
    data = core._load_json(proof_path)
    hasher = core.TreeHasher(core._field(data, "hash", str))
    entry_text = core._field(data, "entry", str)
    leaf = hasher.leaf(entry_text.encode("utf-8"))
    if (
        data.get("leaf_hash") is not None
        and core._hex(data["leaf_hash"], hasher, "叶子哈希") != leaf
    ):
        raise VerifyError(
            "账本条目正文与叶子哈希不符", "ledger entry text does not match the leaf hash"
        )
    try:
        entry = json.loads(entry_text)
    except json.JSONDecodeError as exc:
        raise VerifyError("账本条目不是 JSON", "ledger entry is not JSON") from exc
    index = core._field(data, "leaf_index", int)
    claims = (data.get("object_type"), data.get("object_id"), data.get("seq"))
    if (entry.get("object_type"), entry.get("object_id"), entry.get("seq")) != claims or (
        entry.get("seq") != index + 1
    ):
        raise VerifyError(
            "账本条目与证明声称的对象或序号不符", "entry is not the object/seq claimed"
        )
    if data.get("file") != f"files/{proof_path.name.removesuffix('.json')}":
        raise VerifyError("证明所指文件与证明文件名不符", "proof names another file")
    paths = data.get("digest_paths")
    if not isinstance(paths, dict) or not paths or not set(paths) <= set(ALGORITHMS):
        raise VerifyError("证明未指明账本条目中的摘要值位置", "proof lacks digest_paths")
    if file_digests is not None:
        for algorithm, path in paths.items():
            recorded = _at(entry, path) if isinstance(path, list) else None
            if not isinstance(recorded, str) or recorded.lower() != file_digests[algorithm]:
                label = ALGORITHMS[algorithm]
                raise VerifyError(
                    f"原件的 {label} 摘要值与账本条目（序号 {entry.get('seq')}）登记的不符",
                    f"original's {label} differs from its ledger entry (seq {entry.get('seq')})",
                )
    checkpoint = trust.open(core._field(data, "checkpoint", str))
    size = core._field(data, "tree_size", int)
    if size != checkpoint.size:
        raise VerifyError("tree_size 与检查点不符", "tree_size differs from the checkpoint")
    core.verify_inclusion(
        hasher, index, size, leaf, core._proof(data, hasher), checkpoint.root_hash
    )
    return f"{entry.get('object_type')}:{entry.get('object_id')} #{entry.get('seq')}"


def _described(report: Report, unit: Path) -> set[str]:
    """File names the unit's metadata.xml lists (计算机文件名 ``files/<name>``)."""
    try:
        root = ET.parse(unit / "metadata.xml").getroot()
    except (OSError, ET.ParseError):
        report.fail(f"data/{unit.name}/metadata.xml", "缺少或无法解析", "missing or not XML")
        return set()
    names = {(e.text or "").strip() for e in root.iter("计算机文件名")}
    return {name.removeprefix("files/") for name in names if name.startswith("files/")}


def check_originals(
    report: Report, bag: Path, digests: dict[str, dict[str, str]], trust: Trust
) -> int:
    proven = 0
    for unit in sorted(p for p in (bag / "data").iterdir() if p.is_dir() and p.name != LEDGER_DIR):
        files_dir, proofs_dir = unit / "files", unit / "proofs"
        names = {p.name for p in files_dir.iterdir()} if files_dir.is_dir() else set()
        proofs = {p.name[: -len(".json")] for p in proofs_dir.glob("*.json")}
        for name in sorted(names - proofs):
            report.fail(
                f"data/{unit.name}/files/{name}", "原件没有账本包含证明", "original has no proof"
            )
        for name in sorted(_described(report, unit) - names - proofs):
            report.fail(
                f"data/{unit.name}/files/{name}",
                "缺少原件（metadata.xml 著录的文件及其证明都不在包中）",
                "original listed in metadata.xml is missing, and so is its proof",
            )
        for name in sorted(proofs):
            where = f"data/{unit.name}/proofs/{name}.json"
            if name not in names:
                report.fail(
                    f"data/{unit.name}/files/{name}",
                    "缺少原件（证明所指文件不在包中）",
                    "original is missing (its proof is in the bag)",
                )
            file_digests = digests.get(f"data/{unit.name}/files/{name}")
            if report.check(
                where, check_proof, unit / "proofs" / f"{name}.json", file_digests, trust
            ):
                proven += 1
    return proven


def verify_bag(bag: Path, outside_keys: Path | None) -> tuple[list[str], Report]:
    report = Report()
    lines: list[str] = []
    files = check_structure(report, bag)
    if files is None:
        return lines, report
    digests = check_manifests(report, bag, files)
    lines.append(f"载荷 {len(files)} 个文件，清单逐行核对 / {len(files)} payload files checked")
    ledger = bag / "data" / LEDGER_DIR
    bag_keys = report.check(
        "data/ledger/verifier-keys.txt", core.load_keys, ledger / "verifier-keys.txt"
    )
    outside = report.check(str(outside_keys), core.load_keys, outside_keys) if outside_keys else []
    if bag_keys is None or (outside_keys and not outside):
        return lines, report
    trust = Trust(bag_keys, outside or [])
    for note in sorted(ledger.glob("checkpoint*.txt")):
        checkpoint = report.check(
            f"data/ledger/{note.name}", lambda n=note: trust.open(core._read_text(n))
        )
        if checkpoint:
            lines.append(
                "检查点签名有效 / checkpoint signature is valid\n" + core._describe(checkpoint)
            )
    proven = check_originals(report, bag, digests, trust)
    lines.append(f"{proven} 件原件与账本条目一致且包含于检查点 / {proven} originals proven")
    if outside_keys is None:
        report.notes.append(
            "注意：只用了包内公钥核验；伪造者可以放入自己的公钥。请用 --key 指定另行取得的公钥。\n"
            "  NOTE: checked against the keys inside the bag only, which a forger could replace; "
            "pass --key with a key obtained separately."
        )
    return lines, report


def cmd_bag(args) -> int:
    import sys

    lines, report = verify_bag(Path(args.path), args.key)
    if report.failures:
        for where, exc in report.failures:
            print(f"验证失败 / FAILED: {where}: {exc.zh}\n  {exc.en}", file=sys.stderr)
        print(
            f"共 {len(report.failures)} 处问题 / {len(report.failures)} failure(s)", file=sys.stderr
        )
        return 1
    print("验证通过 / VERIFIED: 移交包完整且每件原件有账本证明 / bag is complete and proven")
    for line in [*lines, *report.notes]:
        print(line)
    return 0
