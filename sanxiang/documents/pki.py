"""The deployment's document CA (ADR 0200): files in ``SANXIANG_KEY_DIR/signing``, never the database.

Like the ledger's checkpoint keys (``sanxiang/ledger/keys.py``), the private keys live in the
key directory, so whoever holds only the database holds no signing key. ``manage.py
signing_ca`` creates the CA (root certificate, the time-stamping unit's certificate and an
empty CRL); it is never created silently on first use — issuing a signed document without a
CA fails loudly. End-entity certificates are issued on demand:

* ``seal-<agency pk>``: the agency's electronic seal (subject O = the agency's name);
* ``staff-<staff pk>``: a personal signing certificate of a head, officer or legal reviewer;

and revoked by :func:`certificate_revoke` (an officer who leaves), which re-signs the CRL.
ECDSA P-256 with SHA-256: what every PDF reader verifies. SM2 seals (GB/T 38540) would be a
second signer next to this one (ADR 0200).
"""

from __future__ import annotations

import datetime
import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language

CA_STEM = "ca"
TSA_STEM = "tsa"
CRL_FILE = "ca.crl.pem"
REVOKED_FILE = "revoked.json"
CA_YEARS = 20
END_ENTITY_YEARS = 5
CRL_DAYS = 7


def signing_dir() -> Path:
    return Path(settings.SANXIANG_KEY_DIR) / "signing"


@dataclass(frozen=True)
class Credential:
    """A private key with its certificate."""

    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    cert: x509.Certificate


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _store(stem: str, credential: Credential) -> None:
    key_pem = credential.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(signing_dir() / f"{stem}.key.pem", key_pem, private=True)
    _write(
        signing_dir() / f"{stem}.cert.pem", credential.cert.public_bytes(serialization.Encoding.PEM)
    )


@functools.lru_cache(maxsize=256)
def _load(stem: str, directory: str, mtime: int) -> Credential:
    base = Path(directory)
    key = serialization.load_pem_private_key((base / f"{stem}.key.pem").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((base / f"{stem}.cert.pem").read_bytes())
    return Credential(key=key, cert=cert)


def _credential(stem: str) -> Credential | None:
    cert_path = signing_dir() / f"{stem}.cert.pem"
    try:
        mtime = cert_path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _load(stem, str(signing_dir()), mtime)


def ca_exists() -> bool:
    return (signing_dir() / f"{CA_STEM}.cert.pem").exists()


def ca() -> Credential:
    credential = _credential(CA_STEM)
    if credential is None:
        raise ImproperlyConfigured(
            _("缺少文书签章的证书机构 %(path)s，请先运行 manage.py signing_ca。")
            % {"path": signing_dir()}
        )
    return credential


def _name(common_name: str, organisation: str = "", unit: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _issue(
    subject: x509.Name,
    *,
    issuer: Credential | None,
    years: int,
    eku: list[x509.ObjectIdentifier] | None = None,
    is_ca: bool = False,
    rsa_key: bool = False,
) -> Credential:
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    now = _now() - datetime.timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if is_ca:
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=False)
    else:
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=not is_ca,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **usage,
        ),
        True,
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    signing_key = issuer.key if issuer else key
    return Credential(key=key, cert=builder.sign(signing_key, hashes.SHA256()))


def ensure_ca(*, name: str = "") -> bool:
    """Create the CA, the time-stamping unit and the first CRL if missing; True if created."""
    if ca_exists():
        return False
    ca_name = name or _("三项制度执法平台文书签章证书机构（示例）")
    root = _issue(_name(ca_name, ca_name), issuer=None, years=CA_YEARS, is_ca=True)
    _store(CA_STEM, root)
    tsa = _issue(
        _name(_("文书签章时间戳服务"), ca_name),
        issuer=root,
        years=CA_YEARS - 1,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        rsa_key=True,  # pyHanko's in-process time-stamping unit signs with RSA only
    )
    _store(TSA_STEM, tsa)
    _write(signing_dir() / REVOKED_FILE, b"{}")
    crl_refresh()
    return True


def tsa() -> Credential:
    credential = _credential(TSA_STEM)
    if credential is None:
        ca()  # the CA's own message
        raise ImproperlyConfigured(_("缺少时间戳服务证书，请重新运行 manage.py signing_ca。"))
    return credential


def _current(stem: str, subject: x509.Name) -> Credential:
    """The credential stored under ``stem`` if it is unrevoked and still names ``subject``;
    otherwise a new one. A certificate whose subject no longer fits (the person's name, agency
    or login, or the agency's name changed) is superseded: revoked, so it signs nothing more,
    while what it signed before stays valid as signed before (ADR 0225)."""
    credential = _credential(stem)
    if credential is not None and not serial_revoked(credential.cert.serial_number):
        if credential.cert.subject == subject:
            return credential
        certificate_revoke(credential.cert)
    credential = _issue(subject, issuer=ca(), years=END_ENTITY_YEARS)
    _store(stem, credential)
    return credential


def agency_seal(agency) -> Credential:
    """The agency's seal certificate, issued on first need."""
    with in_legal_language():
        common_name = _("%(name)s电子印章") % {"name": agency.name}
    return _current(f"seal-{agency.pk}", _name(common_name, agency.name))


def staff_certificate(staff) -> Credential:
    """A personal signing certificate of a head, officer or legal reviewer, issued on need."""
    return _current(
        f"staff-{staff.pk}", _name(person_name(staff), staff.agency.name, staff.username)
    )


def person_name(staff) -> str:
    return getattr(staff, "full_name", "") or staff.get_full_name() or staff.username


def staff_certificate_existing(staff) -> Credential | None:
    return _credential(f"staff-{staff.pk}")


def _revoked() -> dict[str, str]:
    try:
        return json.loads((signing_dir() / REVOKED_FILE).read_text())
    except FileNotFoundError:
        return {}


def serial_revoked(serial: int) -> datetime.datetime | None:
    when = _revoked().get(str(serial))
    return datetime.datetime.fromisoformat(when) if when else None


def certificate_revoke(cert: x509.Certificate) -> bool:
    """Put ``cert`` on the CRL (idempotent); True if it was newly revoked."""
    revoked = _revoked()
    if str(cert.serial_number) in revoked:
        return False
    revoked[str(cert.serial_number)] = _now().isoformat()
    _write(signing_dir() / REVOKED_FILE, json.dumps(revoked, indent=1).encode())
    crl_refresh()
    return True


def crl_refresh() -> x509.CertificateRevocationList:
    root = ca()
    now = _now() - datetime.timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.cert.subject)
        .last_update(now)
        .next_update(now + datetime.timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), False
        )
    )
    for serial, when in _revoked().items():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial))
            .revocation_date(datetime.datetime.fromisoformat(when))
            .build()
        )
    crl = builder.sign(root.key, hashes.SHA256())
    _write(signing_dir() / CRL_FILE, crl.public_bytes(serialization.Encoding.PEM))
    return crl


def crl() -> x509.CertificateRevocationList:
    """The current CRL, re-signed when it has passed half its validity."""
    path = signing_dir() / CRL_FILE
    current = x509.load_pem_x509_crl(path.read_bytes())
    if current.next_update_utc - _now() < datetime.timedelta(days=CRL_DAYS / 2):
        current = crl_refresh()
    return current
