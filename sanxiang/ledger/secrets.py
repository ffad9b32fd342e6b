"""Secret columns in a row's digest: a keyed MAC instead of the value (ADR 0061).

A password hash must be covered — a hash copied from one account to another lets the copier
sign in as the other — but its plain digest would put a fixed function of the hash into every
ledger body a reader may see. So a column listed in ``Model.ledger_secret_fields`` enters the
row's canonical content as ``HMAC(key, object type ‖ id ‖ column ‖ value)`` with the ledger's
hash (HMAC-SM3 by default). The key is a random 32-byte file beside the checkpoint keys in
``SANXIANG_KEY_DIR`` (``ledger-mac.key``, mode 0600), out of reach of whoever holds only the
database: he can neither compute the MAC of a hash he writes nor test guesses against it.

Like the signing keys, the key is made only by ``manage.py ledger_keys`` (``keys.ensure_keys``);
a missing key fails loudly rather than silently starting a new one under which no earlier
digest verifies.
"""

from __future__ import annotations

import functools
import hmac
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .canonical import canonical_json

MAC_KEY_FILE = "ledger-mac.key"
_KEY_BYTES = 32


def mac_key_path(directory: Path) -> Path:
    return directory / MAC_KEY_FILE


def ensure_mac_key(directory: Path) -> bool:
    """Create the MAC key if it is missing; True when created. ``O_EXCL``: a racer keeps his."""
    path = mac_key_path(directory)
    if path.exists():
        return False
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(_KEY_BYTES))
    return True


@functools.lru_cache(maxsize=4)
def _read_key(path: str, mtime_ns: int) -> bytes:
    data = Path(path).read_bytes()
    if len(data) < _KEY_BYTES:
        raise ImproperlyConfigured(_("账本摘要密钥文件 %(path)s 已损坏。") % {"path": path})
    return data


def mac_key() -> bytes:
    from .keys import key_dir  # keys imports this module

    path = mac_key_path(key_dir())
    try:
        return _read_key(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise ImproperlyConfigured(
            _("缺少账本摘要密钥 %(path)s，请先运行 manage.py ledger_keys。") % {"path": path}
        ) from None


def column_mac(object_type: str, object_id: Any, column: str, value: Any, *, hash_name: str) -> str:
    """The keyed digest a secret column contributes to its row's canonical content."""
    message = canonical_json([object_type, str(object_id), column, value])
    return "hmac:" + hmac.new(mac_key(), message, hash_name).hexdigest()
