#!/usr/bin/env python3
"""sanxiang upload — 采集站断点续传上传工具 / resumable evidence uploader for docking stations.

Uploads one file to the platform with the tus 1.0.0 protocol and waits for the server's signed
receipt ("stored and verified, safe to wipe the device"). Standard library only (Python 3.11+
with OpenSSL 3 for SM3), so it can be copied to a docking station together with
``sanxiang_verify.py`` (whose note verifier checks the receipt's SM2/Ed25519 signatures).

Usage::

    sanxiang upload FILE --url https://host/ --token sx_… [--activity sealing_seizure]
        [--subject registry.coalmine:12] [--stage …] [--title …] [--device SERIAL]
        [--started-at ISO] [--ended-at ISO] [--location …] [--underground]
        [--officers user1,user2] [--confidentiality ordinary] [--key KEYFILE]

The token may also come from the environment variable ``SANXIANG_TOKEN``.

Resuming: the whole-file SHA-256 and SM3 (computed once) and the upload's URL are kept in a
small state file (``~/.cache/sanxiang-upload/`` or ``--state-dir``). Run the same command
again after a crash, a reboot or a broken link and it continues from the server's offset.
Connection errors are retried with exponential backoff (``--retries`` consecutive failures).

Integrity: the whole-file digests are declared when the upload is created and the server
verifies them before it signs the receipt. Each PATCH may also carry a tus ``Upload-Checksum``
(``--chunk-checksum``): by default ``sha256`` over plain http (a corrupted chunk is resent,
not the whole file) and none over https, where TLS already authenticates every byte. Bodies
are sent with ``sendfile`` where the socket allows it, so the file never passes through memory.

The receipt is verified with ``--key`` (the agency's published verifier keys, one per line),
or else with the keys fetched from the server on first use and pinned in the state folder; its
digests must equal the local file's. Only then does the tool print "可以清除设备" and exit 0.

Exit status: 0 stored and verified; 1 refused or failed; 2 usage error; 3 receipt invalid.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

try:  # installed as the ``tools`` package (console script) …
    from tools import sanxiang_verify as verifier
except ImportError:  # … or copied beside sanxiang_verify.py
    import sanxiang_verify as verifier  # type: ignore[no-redef]

TUS_VERSION = "1.0.0"
READ_SIZE = 1024 * 1024
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".avi": "video/x-msvideo",
    ".ts": "video/mp2t",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".amr": "audio/amr",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".pdf": "application/pdf",
}
METADATA_OPTIONS = (
    "title",
    "activity",
    "subject",
    "stage",
    "device",
    "started_at",
    "ended_at",
    "location",
    "officers",
    "confidentiality",
    "notes",
)


class Fatal(Exception):
    """Stop: the server refused, or the receipt is not trustworthy."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Gone(Exception):
    """The upload URL no longer exists: start a new upload."""


def say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


# --- local file and state ------------------------------------------------------------------------


def file_digests(path: Path, size: int) -> tuple[str, str]:
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    with open(path, "rb") as handle:
        while block := handle.read(READ_SIZE):
            sha256.update(block)
            sm3.update(block)
    return sha256.hexdigest(), sm3.hexdigest()


def state_dir(args: argparse.Namespace) -> Path:
    if args.state_dir:
        base = Path(args.state_dir)
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = Path(cache) / "sanxiang-upload"
    base.mkdir(parents=True, exist_ok=True)
    return base


class State:
    """What must survive the tool being killed: digests and the upload URL (written atomically)."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def load(cls, directory: Path, source: Path, collection: str) -> State:
        stat = source.stat()
        ident = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{collection}"
        path = directory / (hashlib.sha256(ident.encode()).hexdigest()[:32] + ".json")
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
        data.update(source=str(source.resolve()), size=stat.st_size, collection=collection)
        return cls(path, data)

    def save(self) -> None:
        temp = self.path.with_suffix(".tmp")
        temp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# --- HTTP ----------------------------------------------------------------------------------------


class Server:
    def __init__(self, args: argparse.Namespace, collection: str) -> None:
        self.args = args
        self.collection = collection
        parts = urlsplit(collection)
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            cls = (
                http.client.HTTPSConnection
                if self.scheme == "https"
                else http.client.HTTPConnection
            )
            self.conn = cls(self.netloc, timeout=self.args.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def headers(self, **extra: Any) -> dict[str, str]:
        headers = {"Tus-Resumable": TUS_VERSION, "Authorization": f"Bearer {self.args.token}"}
        headers.update({k.replace("_", "-"): str(v) for k, v in extra.items()})
        return headers

    def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn = self._connection()
        try:
            conn.request(method, urlsplit(url).path or "/", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response, data

    def patch(
        self, url: str, source: Path, offset: int, length: int, checksum: str | None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """Send ``length`` bytes from ``offset``; ``checksum`` is the tus header value or None."""
        headers = self.headers(
            Upload_Offset=offset,
            Content_Type="application/offset+octet-stream",
            Content_Length=length,
        )
        if checksum:
            headers["Upload-Checksum"] = checksum
        conn = self._connection()
        try:
            conn.putrequest("PATCH", urlsplit(url).path, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            send_region(conn, source, offset, length)
            response = conn.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response, data


def region_checksum(algorithm: str, source: Path, offset: int, length: int) -> str | None:
    """The tus ``Upload-Checksum`` value of one region of the file (None for "none")."""
    if algorithm == "none":
        return None
    digest = hashlib.new(algorithm)
    for block in read_region(source, offset, length):
        digest.update(block)
    return f"{algorithm} {base64.b64encode(digest.digest()).decode()}"


class Checksums:
    """Per-chunk checksums computed one chunk ahead on a helper thread (hashlib releases the
    GIL), so the link is not idle while the next chunk is hashed."""

    def __init__(self, algorithm: str, source: Path, size: int, chunk: int) -> None:
        self.algorithm, self.source, self.size, self.chunk = algorithm, source, size, chunk
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.pending: dict[tuple[int, int], concurrent.futures.Future] = {}

    def _submit(self, offset: int, length: int) -> concurrent.futures.Future:
        key = (offset, length)
        if key not in self.pending:
            self.pending[key] = self.pool.submit(
                region_checksum, self.algorithm, self.source, offset, length
            )
        return self.pending[key]

    def get(self, offset: int, length: int) -> str | None:
        if self.algorithm == "none":
            return None
        future = self._submit(offset, length)
        following = offset + length
        if following < self.size:
            self._submit(following, min(self.chunk, self.size - following))
        value = future.result()
        self.pending = {k: f for k, f in self.pending.items() if k[0] >= offset}
        return value

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def send_region(conn: http.client.HTTPConnection, source: Path, offset: int, length: int) -> None:
    """The body of a PATCH: ``sendfile`` (no copy through Python) where the socket allows."""
    if length == 0:  # resuming an upload whose bytes are all in: the PATCH only completes it
        return
    with open(source, "rb") as handle:
        sent = conn.sock.sendfile(handle, offset, length)
    if sent != length:
        raise OSError(f"sent {sent} of {length} bytes: the source file became shorter")


def read_region(source: Path, offset: int, length: int):
    with open(source, "rb") as handle:
        handle.seek(offset)
        remaining = length
        while remaining > 0:
            block = handle.read(min(READ_SIZE, remaining))
            if not block:
                raise OSError("the source file became shorter while uploading")
            remaining -= len(block)
            yield block


def problem_text(data: bytes) -> str:
    try:
        body = json.loads(data.decode("utf-8"))
    except ValueError:
        return data.decode("utf-8", "replace")[:300]
    lines = [str(body.get("title", ""))]
    lines += [f"  {e.get('field')}: {e.get('message')}" for e in body.get("errors", [])]
    return "\n".join(line for line in lines if line.strip())


# --- the upload ----------------------------------------------------------------------------------


def encode_metadata(values: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode('utf-8')).decode()}"
        for key, value in values.items()
        if value != ""
    )


def create(server: Server, state: State, source: Path, args: argparse.Namespace) -> str:
    metadata = {
        "filename": source.name,
        "filetype": args.type or CONTENT_TYPES.get(source.suffix.lower(), ""),
        "sha256": state.data["sha256"],
        "sm3": state.data["sm3"],
    }
    for option in METADATA_OPTIONS:
        value = getattr(args, option)
        if value:
            metadata[option] = value
    if args.underground:
        metadata["underground"] = "1"
    response, data = server.request(
        "POST",
        server.collection,
        server.headers(
            Upload_Length=state.data["size"],
            Upload_Metadata=encode_metadata(metadata),
            Content_Length=0,
        ),
        b"",
    )
    if response.status != 201:
        raise Fatal(f"服务器拒绝创建上传任务（HTTP {response.status}）：\n{problem_text(data)}")
    return urljoin(server.collection, response.getheader("Location"))


def head(server: Server, url: str) -> tuple[int, str | None]:
    response, _data = server.request("HEAD", url, server.headers())
    if response.status in (404, 410):
        raise Gone
    if response.status != 200:
        raise ConnectionError(f"HEAD {response.status}")
    return int(response.getheader("Upload-Offset")), response.getheader("Sanxiang-Receipt")


def load_keys(server: Server, args: argparse.Namespace, directory: Path):
    if args.key:
        return verifier.load_keys(Path(args.key))
    pinned = directory / ("keys-" + server.netloc.replace(":", "_") + ".txt")
    response, data = server.request(
        "GET", urljoin(server.collection, "../receipt-keys.txt"), server.headers()
    )
    if response.status != 200:
        raise Fatal("无法取得回执验证公钥，请用 --key 指定公钥文件。", 3)
    fetched = data.decode("utf-8")
    if pinned.exists():
        if pinned.read_text(encoding="utf-8") != fetched:
            raise Fatal(
                f"服务器的回执公钥与首次使用时保存的 {pinned} 不同，请核实后用 --key 指定。", 3
            )
    else:
        pinned.write_text(fetched, encoding="utf-8")
        say(args, f"首次使用：已保存服务器公钥 {pinned}（建议与机构公布的公钥核对）")
    return [
        verifier.parse_verifier_key(line.strip())
        for line in fetched.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def fetch_receipt(server: Server, url: str, receipt_path: str, state: State, args, directory):
    response, data = server.request("GET", urljoin(url, receipt_path), server.headers())
    if response.status != 200:
        raise ConnectionError(f"receipt {response.status}")
    note = data.decode("utf-8")
    keys = load_keys(server, args, directory)
    try:
        text = verifier.verify_note(note, keys)
    except verifier.VerifyError as exc:
        raise Fatal(f"回执签名无效：{exc}", 3) from exc
    fields = dict(line.split(" ", 1) for line in text.rstrip("\n").split("\n")[1:])
    expected = {
        "sha256": state.data["sha256"],
        "sm3": state.data["sm3"],
        "size": str(state.data["size"]),
    }
    for key, value in expected.items():
        if fields.get(key) != value:
            raise Fatal(f"回执中的 {key} 与本地文件不符：{fields.get(key)} ≠ {value}", 3)
    if fields.get("verdict") != "stored-and-verified":
        raise Fatal("回执未确认已存储并校验。", 3)
    return note, fields


def transfer(
    args: argparse.Namespace,
    server: Server,
    state: State,
    source: Path,
    size: int,
    chunk: int,
    checksums: Checksums,
) -> tuple[str, str]:
    """Send the file until the server holds all of it; return (upload URL, receipt path)."""
    failures = 0
    offset: int | None = None
    receipt_path: str | None = None
    while True:
        try:
            url = state.data.get("upload_url")
            if not url:
                url = create(server, state, source, args)
                state.data["upload_url"] = url
                state.save()
                offset = 0
            if offset is None:
                offset, receipt_path = head(server, url)
            if offset == size and receipt_path:
                return url, receipt_path
            length = min(chunk, size - offset)
            response, data = server.patch(
                url, source, offset, length, checksums.get(offset, length)
            )
            if response.status == 204:
                offset = int(response.getheader("Upload-Offset"))
                receipt_path = response.getheader("Sanxiang-Receipt")
                failures = 0
                say(
                    args,
                    f"已上传 {offset / 2**20:.0f} / {size / 2**20:.0f} MiB"
                    f"（{offset * 100 / max(size, 1):.1f}%）",
                )
                if offset == size and receipt_path:
                    return url, receipt_path
                continue
            if response.status == 460:
                try:
                    head(server, url)
                except Gone:
                    raise Fatal(f"服务器拒收：{problem_text(data)}") from None
                failures += 1
                say(args, f"数据块校验不符，重新发送（{problem_text(data)}）")
            elif response.status in (409, 423) or response.status >= 500:
                failures += 1
                say(args, f"服务器暂时不能接收（HTTP {response.status}），稍后重试")
            elif response.status in (404, 410):
                raise Gone
            else:
                raise Fatal(f"服务器拒收（HTTP {response.status}）：\n{problem_text(data)}")
            offset = None
            if failures > args.retries:
                raise Fatal(f"连续 {failures} 次失败，放弃。再次运行同一命令可继续上传。")
            time.sleep(backoff(failures, args.max_backoff))
        except Gone:
            say(args, "服务器上已没有该上传任务，重新开始上传。")
            state.data.pop("upload_url", None)
            state.save()
            offset = None
            failures += 1
            if failures > args.retries:
                raise Fatal("上传任务反复失效，放弃。") from None
        except (OSError, http.client.HTTPException) as exc:
            failures += 1
            offset = None
            if failures > args.retries:
                raise Fatal(
                    f"连续 {failures} 次连接失败（{exc}），放弃。再次运行同一命令可继续上传。"
                ) from exc
            delay = backoff(failures, args.max_backoff)
            say(args, f"连接中断（{exc.__class__.__name__}: {exc}），{delay:.1f} 秒后重试")
            time.sleep(delay)


def upload(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise Fatal(f"找不到文件 {source}", 2)
    collection = args.url
    if urlsplit(collection).path in ("", "/"):
        collection = urljoin(collection, "/evidence/tus/")
    directory = state_dir(args)
    state = State.load(directory, source, collection)
    if not (state.data.get("sha256") and state.data.get("sm3")):
        say(args, f"计算 {source.name} 的 SHA-256 和 SM3……")
        started = time.monotonic()
        state.data["sha256"], state.data["sm3"] = file_digests(source, state.data["size"])
        state.save()
        say(args, f"校验值已计算（{time.monotonic() - started:.1f} 秒）")
    size = state.data["size"]
    server = Server(args, collection)
    chunk = args.chunk_size * 1024 * 1024
    algorithm = args.chunk_checksum
    if algorithm == "auto":
        algorithm = "none" if urlsplit(collection).scheme == "https" else "sha256"
    checksums = Checksums(algorithm, source, size, chunk)
    try:
        url, receipt_path = transfer(args, server, state, source, size, chunk, checksums)
    finally:
        checksums.close()
    for attempt in range(1, args.retries + 2):
        try:
            note, fields = fetch_receipt(server, url, receipt_path, state, args, directory)
            break
        except (OSError, http.client.HTTPException) as exc:
            if attempt > args.retries:
                raise Fatal(f"无法取得回执（{exc}）。再次运行同一命令可重新取回执。") from exc
            time.sleep(backoff(attempt, args.max_backoff))
    server.close()
    receipt_file = (
        Path(args.receipt_out)
        if args.receipt_out
        else directory / f"{source.name}.{fields['sha256'][:12]}.receipt.txt"
    )
    receipt_file.write_text(note, encoding="utf-8")
    state.remove()
    print(
        f"已存储并校验：{source.name}（{size} 字节）记录编号 {fields.get('recording')}\n"
        f"SHA-256 {fields['sha256']}\nSM3 {fields['sm3']}\n"
        f"回执已验证签名，保存在 {receipt_file}\n"
        "可以清除设备。/ Stored and verified: safe to wipe the device."
    )
    return 0


def backoff(failures: int, maximum: float) -> float:
    return min(maximum, 0.5 * 2 ** (failures - 1)) * (0.75 + random.random() / 2)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="sanxiang", description="三项制度执法平台 命令行工具"
    )
    commands = main_parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("upload", help="断点续传上传一个音像记录或文件证据")
    p.add_argument("file", help="要上传的文件")
    p.add_argument("--url", required=True, help="平台地址，如 https://host/ 或 …/evidence/tus/")
    p.add_argument(
        "--token",
        default=os.environ.get("SANXIANG_TOKEN"),
        help="接口令牌 sx_…（或环境变量 SANXIANG_TOKEN）",
    )
    p.add_argument("--type", help="文件类型（默认按扩展名）")
    for option in METADATA_OPTIONS:
        p.add_argument("--" + option.replace("_", "-"), dest=option, default="")
    p.add_argument("--underground", action="store_true", help="井下记录")
    p.add_argument("--key", help="回执验证公钥文件（机构公布的验证公钥，每行一个）")
    p.add_argument("--chunk-size", type=int, default=64, help="每次 PATCH 的大小（MiB，默认 64）")
    p.add_argument(
        "--chunk-checksum",
        choices=("auto", "sha256", "sm3", "sha1", "none"),
        default="auto",
        help="每个数据块的 tus 校验值；auto：https 时不加（TLS 已保证每个字节），http 时用 sha256",
    )
    p.add_argument("--state-dir", help="续传状态目录（默认 ~/.cache/sanxiang-upload）")
    p.add_argument("--receipt-out", help="回执保存路径")
    p.add_argument("--retries", type=int, default=30, help="连续失败多少次后放弃（默认 30）")
    p.add_argument("--max-backoff", type=float, default=30.0, help="重试最长等待秒数")
    p.add_argument("--timeout", type=float, default=300.0, help="网络超时秒数")
    p.add_argument("--quiet", action="store_true")
    return main_parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.token:
        print("缺少接口令牌：--token 或环境变量 SANXIANG_TOKEN", file=sys.stderr)
        return 2
    if args.chunk_size < 1:
        print("--chunk-size 至少为 1 MiB", file=sys.stderr)
        return 2
    try:
        return upload(args)
    except Fatal as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("已中断；再次运行同一命令可继续上传。", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
