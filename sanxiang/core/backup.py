"""Backup and restore of a whole installation (ADR 0182).

A backup is one folder::

    MANIFEST.json     what is in it, with the SHA-256 of every file below
    database.sqlite3  SQLite's online backup API          (or)
    database.pgdump   pg_dump --format=custom
    objects.json      every stored original the database refers to: path, digests, size,
                      owner and, on object storage, the pinned VersionId
    keys/*.pub        the ledger's public (verifier) keys
    checkpoint.txt    the latest signed checkpoint (signed now if the log grew and the keys
                      are on this node)
    files/blobs/...   on the local store only: a copy of every stored object

Signing keys are never in it: ``manage.py backup --signing-keys DIR`` copies them to a
separate place (offline media), because whoever holds them can re-sign a rewritten log.

Restore goes onto an empty installation only, and takes the *published* checkpoint (a file
the operator kept, or the portal's transparency URL): a backup whose history is older than
what was published — a rolled-back backup — is refused before anything is loaded, and after
loading, the ledger is verified against the published checkpoint and fixity re-hashes every
original; any problem fails the restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "sanxiang-backup/1"
DB_SQLITE = "database.sqlite3"
DB_POSTGRES = "database.pgdump"
PUBLIC_SUFFIX = ".pub.pem"  # sanxiang.ledger.signing.PUBLIC_SUFFIX


class BackupError(Exception):
    """A backup or restore that must not go on; the message is for the operator."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_args(settings_dict: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


# --- backup ------------------------------------------------------------------------------------


def _dump_database(target: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(target / DB_SQLITE)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return DB_SQLITE
    if connection.vendor == "postgresql":
        env, args = _pg_env_args(connection.settings_dict)
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "-f",
                str(target / DB_POSTGRES),
                connection.settings_dict["NAME"],
            ],
            check=True,
            env=env,
        )
        return DB_POSTGRES
    raise BackupError(_("不支持的数据库：%(v)s") % {"v": connection.vendor})


def _latest_checkpoint() -> str | None:
    from sanxiang.ledger import keys
    from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
    from sanxiang.ledger.checkpoint import parse_note
    from sanxiang.ledger.models import Checkpoint
    from sanxiang.ledger.services import checkpoint_sign

    if not keys.missing_keys():
        checkpoint_sign(only_if_grown=True)  # the backup's whole history under a signature
    notes = [c.note for c in Checkpoint.objects.order_by("-tree_size", "-id")[:1]]
    remembered = keys.remembered_checkpoint()
    if remembered:
        notes.append(remembered)
    if not notes:
        return None
    return max(notes, key=lambda n: TreeHead.parse(parse_note(n)[0]).size)


def _objects() -> list[dict]:
    from sanxiang.core import blobstore
    from sanxiang.evidence.fixity import tracked_blobs

    listed, seen = [], set()
    for blob in tracked_blobs():
        if blob.path in seen:
            continue
        seen.add(blob.path)
        listed.append(
            {
                "path": blob.path,
                "sha256": blob.sha256,
                "sm3": blob.sm3,
                "size": blob.size,
                "owner": blob.owner,
                "version_id": blobstore.blob_version_id(blob.path),
            }
        )
    return listed


def _copy_local_files(target: Path) -> int:
    from sanxiang.core import blobstore

    count = 0
    for path in blobstore.blob_iter_paths():
        source = blobstore.blob_local_path(path)
        if source is None:
            return 0
        destination = target / "files" / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        count += 1
    return count


def backup_create(output: Path) -> Path:
    """Write a backup folder under ``output``; return it."""
    from sanxiang.core import blobstore
    from sanxiang.ledger import keys
    from sanxiang.ledger.services import tree_size

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    target = Path(output) / f"sanxiang-backup-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    checkpoint = _latest_checkpoint()
    database = _dump_database(target)  # first: the files copied after it are a superset
    size = tree_size()
    (target / "objects.json").write_text(
        json.dumps(_objects(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (target / "keys").mkdir()
    for public in _public_key_files(keys.key_dir()):
        copy = target / "keys" / public.relative_to(keys.key_dir())
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(public, copy)
    if checkpoint:
        (target / "checkpoint.txt").write_text(checkpoint, encoding="utf-8")
    store = "s3" if blobstore.blob_local_path("blobs/x") is None else "local"
    copied = _copy_local_files(target) if store == "local" else 0
    files = {
        str(p.relative_to(target)): _sha256_file(p)
        for p in sorted(target.rglob("*"))
        if p.is_file() and not str(p.relative_to(target)).startswith("files/")
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": connection.vendor,
        "database": database,
        "tree_size": size,
        "origin": settings.SANXIANG_LEDGER_ORIGIN,
        "store": store,
        "bucket": getattr(default_storage, "bucket_name", ""),
        "local_files": copied,
        "files": files,
    }
    (target / "MANIFEST.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return target


def _public_key_files(directory: Path) -> list[Path]:
    """The public half of the key directory: current and retired verifier keys, the key
    rotation statements (ADR 0190) and the witness key (ADR 0191) — never a private key."""
    from sanxiang.ledger.signing import PUBLIC_SUFFIX

    found = sorted(directory.glob(f"*{PUBLIC_SUFFIX}"))
    found += sorted(directory.glob(f"retired/*/*{PUBLIC_SUFFIX}"))
    found += sorted(directory.glob("rotations/[0-9][0-9][0-9][0-9].txt"))
    return [path for path in found if path.is_file()]


def signing_keys_copy(destination: Path) -> list[str]:
    """Copy the private and public signing keys (and the remembered checkpoint) to a separate
    folder — the offline half of a backup."""
    from sanxiang.ledger import keys

    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    os.chmod(destination, 0o700)
    copied = []
    root = keys.key_dir()
    for path in sorted(root.rglob("*")):  # retired keys and rotation statements too (ADR 0190)
        if path.is_file() and not path.name.endswith(".tmp") and ".pending" not in str(path):
            copy = destination / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            copied.append(str(path.relative_to(root)))
    return copied


# --- restore -----------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    tree_size: int = 0
    published_size: int = 0
    objects: int = 0
    problems: list[str] = field(default_factory=list)
    fixity_text: str = ""


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / "MANIFEST.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("不是有效的备份目录：%(e)s") % {"e": exc}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("备份格式不受支持。"))
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.exists() or _sha256_file(path) != digest:
            raise BackupError(_("备份文件 %(f)s 缺失或已被改动。") % {"f": name})
    return manifest


def _verifiers(source: Path):
    from sanxiang.ledger.checkpoint import NoteVerifier
    from sanxiang.ledger.keys import key_name
    from sanxiang.ledger.signing import load_verifying_key

    found = [  # retired keys too: the published checkpoint may predate a rotation
        NoteVerifier(key_name(), load_verifying_key(p))
        for p in sorted((source / "keys").rglob(f"*{PUBLIC_SUFFIX}"))
        if not p.name.startswith("witness-")
    ]
    if not found:
        raise BackupError(_("备份中没有账本公钥，无法核验检查点。"))
    return found


def published_checkpoint_read(reference: str) -> str:
    """The published checkpoint: a file the operator kept, or the transparency page's URL
    (``…/ledger/`` or ``…/ledger/checkpoint.txt``)."""
    if reference.startswith(("http://", "https://")):
        url = reference if reference.endswith(".txt") else reference.rstrip("/") + "/checkpoint.txt"
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    return Path(reference).read_text(encoding="utf-8")


def _size_of(note: str, verifiers, label: str):
    from sanxiang.ledger.checkpoint import NoteError, open_checkpoint

    try:
        return open_checkpoint(note, verifiers)
    except NoteError as exc:
        raise BackupError(
            _("%(l)s 的签名不能用备份中的公钥核验：%(e)s") % {"l": label, "e": exc}
        ) from None


def check_not_rolled_back(source: Path, manifest: dict, published: str):
    """Refuse a backup whose history is older than the published checkpoint (or forks it)."""
    verifiers = _verifiers(source)
    head = _size_of(published, verifiers, _("已发布的检查点"))
    size = int(manifest["tree_size"])
    if head.size > size:
        raise BackupError(
            _(
                "备份早于已发布的检查点：备份中的账本只有 %(n)s 条记录，而已发布的检查点证明账本曾有 "
                "%(p)s 条。这是回退的历史，拒绝恢复。"
            )
            % {"n": size, "p": head.size}
        )
    kept = source / "checkpoint.txt"
    if kept.exists():
        own = _size_of(kept.read_text(encoding="utf-8"), verifiers, _("备份中的检查点"))
        if own.size == head.size and own.root_hash != head.root_hash:
            raise BackupError(
                _("备份中的检查点与已发布的检查点大小相同而根哈希不同：账本分叉，拒绝恢复。")
            )
    return head


def _installation_is_empty() -> bool:
    from django.db.utils import DatabaseError

    tables = connection.introspection.table_names()
    if "ledger_ledgerentry" not in tables:
        return True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM ledger_ledgerentry")
            return cursor.fetchone()[0] == 0
    except DatabaseError:
        return False


def _load_database(source: Path, manifest: dict) -> None:
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            _("备份来自 %(a)s 数据库，本安装使用 %(b)s。")
            % {"a": manifest["engine"], "b": connection.vendor}
        )
    if connection.vendor == "sqlite":
        target = connection.settings_dict["NAME"]
        connection.close()
        source_db = sqlite3.connect(source / DB_SQLITE)
        destination = sqlite3.connect(target)
        try:
            source_db.backup(destination)
        finally:
            destination.close()
            source_db.close()
        return
    env, args = _pg_env_args(connection.settings_dict)
    connection.close()
    with connection.cursor() as cursor:  # an empty installation may still have migrated tables
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            "-d",
            connection.settings_dict["NAME"],
            str(source / DB_POSTGRES),
        ],
        check=True,
        env=env,
    )


def _install_keys(
    source: Path, signing_keys: Path | None, published: str, backup_note: str
) -> None:
    from sanxiang.ledger import keys

    directory = keys.key_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for tree in [source / "keys"] + ([Path(signing_keys)] if signing_keys is not None else []):
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                copy = directory / path.relative_to(tree)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
    # Signing later must extend what was published, not only what the backup held.
    for note in (backup_note, published):
        if note:
            from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
            from sanxiang.ledger.checkpoint import parse_note

            keys.remember_checkpoint(note, TreeHead.parse(parse_note(note)[0]).size)


def _restore_files(source: Path, objects: list[dict]) -> None:
    from sanxiang.core import blobstore

    for entry in objects:
        copy = source / "files" / entry["path"]
        local = blobstore.blob_local_path(entry["path"])
        if local is None:
            break  # object storage: the originals stay in the bucket, pinned by version
        if copy.exists() and not local.exists():
            local.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copy, local)
            os.chmod(local, 0o444)


def restore(
    source: Path, *, published_reference: str, signing_keys: Path | None = None
) -> RestoreReport:
    from sanxiang.evidence.fixity import UNTRACKED, fixity_report
    from sanxiang.ledger.verification import verify_ledger

    source = Path(source)
    manifest = _read_manifest(source)
    published = published_checkpoint_read(published_reference)
    head = check_not_rolled_back(source, manifest, published)
    if not _installation_is_empty():
        raise BackupError(_("只能恢复到空的安装：本安装的账本已有记录。"))
    _load_database(source, manifest)
    backup_note = (
        (source / "checkpoint.txt").read_text(encoding="utf-8")
        if (source / "checkpoint.txt").exists()
        else ""
    )
    _install_keys(source, signing_keys, published, backup_note)
    objects = json.loads((source / "objects.json").read_text(encoding="utf-8"))
    _restore_files(source, objects)
    report = RestoreReport(
        tree_size=int(manifest["tree_size"]), published_size=head.size, objects=len(objects)
    )
    verification = verify_ledger(
        external_checkpoints=[(_("已发布的检查点"), published)], verifiers=_verifiers(source)
    )
    report.problems += [p.message for p in verification.problems]
    fixity = fixity_report()
    fixity.problems = [p for p in fixity.problems if p.kind != UNTRACKED]  # as ledger_verify
    report.fixity_text = fixity.text()
    report.problems += [f"[{p.kind}] {p.path} — {p.message}" for p in fixity.problems]
    return report


def default_output() -> Path:
    return Path(settings.DATA_DIR) / "backups"
