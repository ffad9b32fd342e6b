"""Originals on S3-compatible object storage with Object Lock, read by version (ADR 0180).

Selected by environment (``SANXIANG_S3_BUCKET`` …, see ``config/settings/base.py``); the local
write-once folder stays the default. The bucket must have versioning and Object Lock enabled
(``manage.py objectstore_bucket`` creates one that has). Each original is written once under
its content address (``blobs/ab/cd/<sha256>``) in GOVERNANCE mode until
``SANXIANG_S3_GOVERNANCE_DAYS`` from now — the approved removal path for a mistaken upload
(a bystander's personal data) can still remove it — and is switched to COMPLIANCE with the
retention end when its archive unit is filed. The version id the store returns is kept in
``core.StoredObject``; every read, ranged stream and fixity check names that version, so a
newer version or a delete marker under the same key is never served, and fixity reports it.

Large files go up as a multipart upload read from the staging file: parts of
``PART_SIZE`` (≥ 5 MiB, S3's minimum for all but the last part), a few in flight at once.
"""

from __future__ import annotations

import datetime
import io
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

GOVERNANCE = "GOVERNANCE"
COMPLIANCE = "COMPLIANCE"
PART_SIZE = 8 * 1024 * 1024
MIN_PART_SIZE = 5 * 1024 * 1024
PARTS_IN_FLIGHT = 2
READ_CHUNK = 1024 * 1024
assert PART_SIZE >= MIN_PART_SIZE


@dataclass(frozen=True)
class Written:
    version_id: str
    lock_mode: str
    retain_until: datetime.datetime | None


@dataclass(frozen=True)
class Latest:
    """What the bucket serves for a key without a version id."""

    version_id: str | None  # None: no version at all
    delete_marker: bool
    versions: int  # object versions under the key (delete markers not counted)


class ObjectStore(S3Storage):
    """django-storages' S3 backend plus the version-aware calls the blob store needs."""

    is_object_store = True

    def __init__(self, **settings_overrides):
        settings_overrides.setdefault("file_overwrite", False)
        settings_overrides.setdefault("default_acl", None)
        settings_overrides.setdefault("addressing_style", "path")
        self.object_lock = bool(settings_overrides.pop("object_lock", True))
        self.governance_days = int(settings_overrides.pop("governance_days", 3650))
        super().__init__(**settings_overrides)
        self._client_lock = threading.Lock()
        self._client = None

    # --- the raw client -------------------------------------------------------------------
    @property
    def client(self):
        """One botocore client for every thread of the process.

        django-storages keeps a boto3 resource per thread (resources are not thread-safe),
        and each builds its own client, loading and parsing the S3 service model and endpoint
        rules again: about 20 MiB and a second of CPU per thread. The part shippers, the
        completion's part senders and the request threads each did that (node peak RSS 235 MiB
        for one 2 GiB upload; docs/benchmarks.md). botocore clients are thread-safe."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self.connection.meta.client
        return self._client

    def key(self, path: str) -> str:
        return self._normalize_name(clean_name(path))

    def _lock_args(self) -> dict:
        if not self.object_lock:
            return {}
        until = timezone.now() + datetime.timedelta(days=self.governance_days)
        return {"ObjectLockMode": GOVERNANCE, "ObjectLockRetainUntilDate": until}

    def _written(self, response: dict, lock: dict) -> Written:
        version = response.get("VersionId")
        if not version:
            raise RuntimeError(
                "the bucket returned no VersionId: versioning (and Object Lock) must be on"
            )
        return Written(
            version, lock.get("ObjectLockMode", ""), lock.get("ObjectLockRetainUntilDate")
        )

    # --- writing ---------------------------------------------------------------------------
    def put_bytes(self, path: str, data: bytes) -> Written:
        lock = self._lock_args()
        response = self.client.put_object(
            Bucket=self.bucket_name, Key=self.key(path), Body=data, **lock
        )
        return self._written(response, lock)

    def multipart_begin(self, path: str) -> tuple[str, dict]:
        """Start a multipart upload with the lock set now (never an unlocked moment)."""
        lock = self._lock_args()
        answer = self.client.create_multipart_upload(
            Bucket=self.bucket_name, Key=self.key(path), **lock
        )
        return answer["UploadId"], lock

    def multipart_part(self, path: str, upload_id: str, fd: int, number: int, size: int) -> str:
        """Send part ``number`` (1-based, ``PART_SIZE`` each, the last shorter) of a ``size``
        bytes file read with ``pread``; return its ETag."""
        start = (number - 1) * PART_SIZE
        body = os.pread(fd, min(PART_SIZE, size - start), start)
        return self.client.upload_part(
            Bucket=self.bucket_name,
            Key=self.key(path),
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
        )["ETag"]

    def multipart_parts(self, path: str, upload_id: str) -> dict[int, tuple[str, int]]:
        """The parts the store holds for an unfinished upload: number → (ETag, size)."""
        found: dict[int, tuple[str, int]] = {}
        paginator = self.client.get_paginator("list_parts")
        pages = paginator.paginate(Bucket=self.bucket_name, Key=self.key(path), UploadId=upload_id)
        for page in pages:
            for part in page.get("Parts", []):
                found[part["PartNumber"]] = (part["ETag"], int(part["Size"]))
        return found

    def multipart_abort(self, path: str, upload_id: str) -> None:
        self.client.abort_multipart_upload(
            Bucket=self.bucket_name, Key=self.key(path), UploadId=upload_id
        )

    def put_file(
        self,
        path: str,
        handle: BinaryIO,
        size: int,
        *,
        upload_id: str | None = None,
        lock: dict | None = None,
    ) -> Written:
        """Store ``size`` bytes read from an open local file (``pread``, parts in parallel).

        With ``upload_id`` an unfinished multipart upload (parts shipped while the file was
        still arriving, ADR 0181) is completed: only the parts the store lacks are sent."""
        if upload_id is None:
            if size < PART_SIZE:
                handle.seek(0)
                return self.put_bytes(path, handle.read(size))
            upload_id, lock = self.multipart_begin(path)
            have: dict[int, tuple[str, int]] = {}
        else:
            have = self.multipart_parts(path, upload_id)
        fd = handle.fileno()
        count = (size + PART_SIZE - 1) // PART_SIZE
        etags = {
            n: have[n][0]
            for n in range(1, count + 1)
            if n in have and have[n][1] == min(PART_SIZE, size - (n - 1) * PART_SIZE)
        }
        missing = [n for n in range(1, count + 1) if n not in etags]
        try:
            with ThreadPoolExecutor(PARTS_IN_FLIGHT, thread_name_prefix="s3-part") as pool:
                sent = pool.map(
                    lambda n: self.multipart_part(path, upload_id, fd, n, size), missing
                )
                etags.update(zip(missing, sent, strict=True))
            response = self.client.complete_multipart_upload(
                Bucket=self.bucket_name,
                Key=self.key(path),
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]
                },
            )
        except BaseException:
            self.multipart_abort(path, upload_id)
            raise
        return self._written(response, lock or {})

    # --- reading by version ----------------------------------------------------------------
    def open_version(self, path: str, version_id: str, size: int) -> VersionReader:
        """A seekable read-only file of one version (ranged GETs from the current position)."""
        return VersionReader(self, path, version_id, size)

    def stream_version(self, path: str, version_id: str, chunk: int = READ_CHUNK):
        body = self.client.get_object(
            Bucket=self.bucket_name, Key=self.key(path), VersionId=version_id
        )["Body"]
        try:
            yield from body.iter_chunks(chunk)
        finally:
            body.close()

    def read_range(
        self, path: str, version_id: str, first: int, length: int, chunk: int = READ_CHUNK
    ) -> Iterator[bytes]:
        """``length`` bytes from ``first`` of one version, by a ranged GET (never the whole object)."""
        if length <= 0:
            return
        body = self.client.get_object(
            Bucket=self.bucket_name,
            Key=self.key(path),
            VersionId=version_id,
            Range=f"bytes={first}-{first + length - 1}",
        )["Body"]
        try:
            yield from body.iter_chunks(chunk)
        finally:
            body.close()

    def version_url(self, path: str, version_id: str, seconds: int) -> str:
        """A presigned GET of one version, valid ``seconds``: for a tool on this node (ffprobe,
        ffmpeg) that reads by HTTP range requests what it needs, not the whole object."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket_name, "Key": self.key(path), "VersionId": version_id},
            ExpiresIn=seconds,
        )

    def version_exists(self, path: str, version_id: str) -> int | None:
        """The size of the version, or None when it is gone."""
        try:
            head = self.client.head_object(
                Bucket=self.bucket_name, Key=self.key(path), VersionId=version_id
            )
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in (
                "404",
                "NoSuchKey",
                "NoSuchVersion",
                "405",
            ):
                return None
            raise
        return int(head["ContentLength"])

    def latest(self, path: str) -> Latest:
        key = self.key(path)
        answer = self.client.list_object_versions(Bucket=self.bucket_name, Prefix=key)
        versions = [v for v in answer.get("Versions", []) if v["Key"] == key]
        markers = [m for m in answer.get("DeleteMarkers", []) if m["Key"] == key]
        for marker in markers:
            if marker.get("IsLatest"):
                return Latest(marker["VersionId"], True, len(versions))
        for version in versions:
            if version.get("IsLatest"):
                return Latest(version["VersionId"], False, len(versions))
        return Latest(None, False, len(versions))

    def keys(self, prefix: str) -> Iterator[str]:
        """Every path under ``prefix`` whose latest version is an object (without the
        storage's ``location``)."""
        paginator = self.client.get_paginator("list_objects_v2")
        strip = len(self.key("x")) - 1
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=self.key(prefix) + "/"):
            for item in page.get("Contents", []):
                yield item["Key"][strip:]

    # --- retention and removal -------------------------------------------------------------
    def retain(self, path: str, version_id: str, until: datetime.datetime) -> None:
        """COMPLIANCE until ``until``: nobody, root included, can delete the version before then."""
        self.client.put_object_retention(
            Bucket=self.bucket_name,
            Key=self.key(path),
            VersionId=version_id,
            BypassGovernanceRetention=True,  # GOVERNANCE → COMPLIANCE needs it
            Retention={"Mode": COMPLIANCE, "RetainUntilDate": until},
        )

    def retention(self, path: str, version_id: str) -> tuple[str, datetime.datetime | None]:
        answer = self.client.get_object_retention(
            Bucket=self.bucket_name, Key=self.key(path), VersionId=version_id
        )["Retention"]
        return answer.get("Mode", ""), answer.get("RetainUntilDate")

    def remove_version(self, path: str, version_id: str) -> None:
        """Delete one version: refused by the store while COMPLIANCE holds; GOVERNANCE is
        bypassed, which only the approved removal path calls (``blobstore.remove_original``)."""
        self.client.delete_object(
            Bucket=self.bucket_name,
            Key=self.key(path),
            VersionId=version_id,
            BypassGovernanceRetention=True,
        )

    def ensure_bucket(self) -> None:
        """Create the bucket with versioning and Object Lock if it does not exist."""
        client = self.client
        try:
            client.head_bucket(Bucket=self.bucket_name)
        except client.exceptions.ClientError:
            client.create_bucket(
                Bucket=self.bucket_name, ObjectLockEnabledForBucket=self.object_lock
            )
            if not self.object_lock:
                client.put_bucket_versioning(
                    Bucket=self.bucket_name, VersioningConfiguration={"Status": "Enabled"}
                )


class VersionReader(io.RawIOBase):
    """One version of an object as a seekable, read-only file: a streaming GET from the
    current position, reopened (with a ``Range``) after a seek."""

    def __init__(self, store: ObjectStore, path: str, version_id: str, size: int) -> None:
        super().__init__()
        self._store, self._path, self._version, self._size = store, path, version_id, size
        self._position = 0
        self._body = None
        self.name = path

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        target = max(0, base + offset)
        if target != self._position:
            self._drop()
            self._position = target
        return self._position

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def readinto(self, buffer) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            self._body = self._store.client.get_object(
                Bucket=self._store.bucket_name,
                Key=self._store.key(self._path),
                VersionId=self._version,
                Range=f"bytes={self._position}-{self._size - 1}",
            )["Body"]
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        self._drop()
        super().close()


def storage_options_from_env(env) -> dict:
    """``STORAGES["default"]["OPTIONS"]`` from the environment (``config/settings/base.py``)."""
    return {
        "bucket_name": env("SANXIANG_S3_BUCKET"),
        "location": env("SANXIANG_S3_PREFIX", ""),  # several installations in one bucket
        "endpoint_url": env("SANXIANG_S3_ENDPOINT") or None,
        "access_key": env("SANXIANG_S3_ACCESS_KEY"),
        "secret_key": env("SANXIANG_S3_SECRET_KEY"),
        "region_name": env("SANXIANG_S3_REGION", "us-east-1"),
        "object_lock": (env("SANXIANG_S3_OBJECT_LOCK", "1") or "1") not in ("0", "false", "no"),
        "governance_days": int(env("SANXIANG_S3_GOVERNANCE_DAYS", "3650") or 3650),
        "client_config": client_config(),
    }


def client_config():
    """botocore settings for the originals' bucket.

    Part bodies stay SigV4-signed (``x-amz-content-sha256``): the store then refuses a part
    altered on its way, before the receipt says the device may be wiped. It costs one more
    SHA-256 pass on the node, cheap with SHA-NI (about 1 s per 2 GiB here; ADR 0247).
    """
    from botocore.config import Config

    return Config(
        s3={"addressing_style": "path"},
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=16,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def configured() -> bool:
    return settings.STORAGES["default"]["BACKEND"].endswith("objectstore.ObjectStore")
