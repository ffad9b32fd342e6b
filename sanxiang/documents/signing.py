"""Signing issued documents (PAdES, pyHanko) and verifying them offline (ADR 0200).

Who signs what: the agency's seal on decisions and every other document addressed outside
(the templates with a seal mark); the issuing officer's, head's or legal reviewer's personal
certificate on records and opinions (templates without one, signed with an invisible field).
Each signature embeds the CA chain and the current CRL (and, when
``SANXIANG_SIGNING_TIMESTAMP`` is on, an RFC 3161 timestamp from the in-process time-stamping
unit plus the DSS), so it validates without any network fetch: PAdES B-LT.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pki
from .rendering import SealBox
from .seal import seal_image

FIELD_NAME = "Sanxiang-Signature"
# Room for the CMS signature (DER bytes): the signer's certificate, the CA's, the signature
# and signed attributes; with a timestamp, also the token and the TSA's certificate.
RESERVED = 6144
RESERVED_WITH_TIMESTAMP = 12288


# pyHanko warns that it embeds validation data without fetching: that is the design here.
logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)


@functools.lru_cache(maxsize=256)
def _asn1_cert(cert) -> asn1_x509.Certificate:
    """The asn1crypto form pyHanko wants, parsed once per certificate per process.

    Keyed by the certificate itself (equal when its DER is equal): a re-issued certificate is
    a new key, so nothing stale can be used. Treat the result as read-only.
    """
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@functools.lru_cache(maxsize=8)
def _asn1_crl(pem_bytes: bytes) -> asn1_crl.CertificateList:
    from cryptography import x509

    der = x509.load_pem_x509_crl(pem_bytes).public_bytes(serialization.Encoding.DER)
    return asn1_crl.CertificateList.load(der)


def _current_crl() -> asn1_crl.CertificateList:
    return _asn1_crl(pki.crl().public_bytes(serialization.Encoding.PEM))


def validation_context(*, for_signing: bool = False, moment: datetime | None = None):
    """The agency CA as the only trust root, with its CRL; never fetches anything.

    ``moment``: validate as of that (trusted) time — a signature made before its certificate
    was revoked. The current CRL then speaks for the past (``retroactive_revinfo``): it lists
    each revocation with its date, so a certificate revoked later is good at ``moment``.
    """
    from pyhanko_certvalidator import ValidationContext

    root = _asn1_cert(pki.ca().cert)
    return ValidationContext(
        trust_roots=[root],
        crls=[_current_crl()],
        other_certs=[_asn1_cert(pki.tsa().cert)],
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
        retroactive_revinfo=moment is not None,
    )


@dataclass(frozen=True)
class SignatureFacts:
    """What the issuance records in the ledger about the signature it made."""

    kind: str  # "seal" or "personal"
    signer: str
    certificate_serial: str
    signature_sha256: str
    signed_at: str
    timestamped: bool
    step_up: dict = field(default_factory=dict)

    def as_details(self) -> dict:
        details = {
            "kind": self.kind,
            "signer": self.signer,
            "certificate_serial": self.certificate_serial,
            "signature_sha256": self.signature_sha256,
            "signed_at": self.signed_at,
            "timestamped": self.timestamped,
        }
        if self.step_up:
            details["step_up"] = self.step_up
        return details


@functools.lru_cache(maxsize=64)
def _signer(credential: pki.Credential):
    """pyHanko's signer for ``credential``, built once per process and credential.

    ``pki`` hands out the same ``Credential`` while the key and certificate files are
    unchanged (cached by the certificate file's mtime), so a re-issued certificate gets a new
    signer. Revocation is not decided here: the validation context is built for every
    document from the CRL on disk (ADR 0200, Performance). pyHanko's ``SimpleSigner`` re-parses
    its private key for every signature; this one keeps the parsed key.
    """
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = credential.key

    class LocalSigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            from cryptography.hazmat.primitives.asymmetric import ec
            from pyhanko_certvalidator.util import get_pyca_cryptography_hash

            if not isinstance(key, ec.EllipticCurvePrivateKey):  # pragma: no cover - RSA: TSA only
                return super().sign_raw(data, digest_algorithm)
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))

    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return LocalSigner(
        signing_cert=_asn1_cert(credential.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(pki.ca().cert)]),
    )


@functools.lru_cache(maxsize=1)
def _timestamper(tsa_serial: int):
    """The in-process RFC 3161 time-stamping unit (pyHanko's local time-stamper).

    pyHanko's class re-parses its RSA key for every token (≈25 ms of key validation); ours
    keeps the parsed key and the signing-certificate attribute, which is all the subclass
    changes. Cached by the TSA certificate's serial: a new TSA certificate, a new unit.
    """
    from asn1crypto import cms
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import general
    from pyhanko.sign.general import simple_cms_attribute
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    tsa = pki.tsa()
    # The TSA's ESS signing-certificate attribute hashes its certificate: once, not per token.
    signing_certificate = simple_cms_attribute(
        "signing_certificate", general.as_signing_certificate(_asn1_cert(tsa.cert))
    )

    class LocalTimeStamper(DummyTimeStamper):
        def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
            md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
            md.update(tst_info_data)
            signed_attrs = cms.CMSAttributes(
                [
                    simple_cms_attribute("content_type", "tst_info"),
                    simple_cms_attribute("signing_time", cms.Time({"utc_time": dt})),
                    signing_certificate,
                    simple_cms_attribute("message_digest", md.finalize()),
                ]
            )
            signature = tsa.key.sign(
                signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
            )
            return signature, signed_attrs

    key_der = tsa.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return LocalTimeStamper(
        tsa_cert=_asn1_cert(tsa.cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
        certs_to_embed=[_asn1_cert(pki.ca().cert)],
    )


def sign_pdf(
    pdf: bytes,
    *,
    agency,
    actor,
    seal_box: SealBox | None,
    step_up: dict | None = None,
) -> tuple[bytes, SignatureFacts]:
    """Sign ``pdf``: the agency seal where the template marks one, else the actor personally."""
    from pyhanko import stamp
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not getattr(actor, "is_active", True):
        # An officer who left (ADR 0225): his certificate is revoked, and no new one is issued.
        raise PermissionDenied(_("该人员已停用，其签名证书已撤销，不能再签名。"))
    if seal_box is not None:
        kind, credential = "seal", pki.agency_seal(agency)
    else:
        kind, credential = "personal", pki.staff_certificate(actor)
    signer_name = pki.person_name(actor)
    now = timezone.localtime()
    timestamped = bool(getattr(settings, "SANXIANG_SIGNING_TIMESTAMP", True))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=timestamped,
        validation_context=validation_context(for_signing=True) if timestamped else None,
        name=signer_name,
        reason=_("签发执法文书"),
        location=agency.name,
    )
    spec_kwargs = {}
    stamp_style = None
    if seal_box is not None:
        spec_kwargs = {
            "on_page": seal_box.page,
            "box": (seal_box.x1, seal_box.y1, seal_box.x2, seal_box.y2),
        }
        image = seal_image(
            agency.name,
            (
                _("签发：%(name)s") % {"name": signer_name},
                now.strftime("%Y-%m-%d %H:%M"),
            ),
        )
        stamp_style = stamp.StaticStampStyle(
            background=_fast_image(PdfImage)(image), border_width=0, background_opacity=1
        )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=_signer(credential),
        timestamper=_timestamper(pki.tsa().cert.serial_number) if timestamped else None,
        stamp_style=stamp_style,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, **spec_kwargs),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    # Reserving the room avoids pyHanko's trial signature that measures it (half the cost).
    signed = _outside_event_loop(
        lambda: pdf_signer.sign_pdf(
            writer, bytes_reserved=RESERVED_WITH_TIMESTAMP if timestamped else RESERVED
        ).getvalue()
    )
    facts = SignatureFacts(
        kind=kind,
        signer=credential.cert.subject.rfc4514_string(),
        certificate_serial=format(credential.cert.serial_number, "x"),
        signature_sha256=_last_signature_digest(signed, start=len(pdf)),
        signed_at=now.isoformat(),
        timestamped=timestamped,
        step_up=step_up or {},
    )
    return signed, facts


SEAL_IMAGE_ZLIB_LEVEL = 1


@functools.cache
def _fast_image(base):
    """pyHanko's ``PdfImage``, but the seal's pixels are deflated at zlib level 1.

    The seal is 480×480 RGBA: at zlib's default level its two planes (RGB, and alpha as the
    /SMask) cost ≈ 20–30 ms a document, at level 1 ≈ 5–7 ms, for ≈ 14 KB more file. Same
    pixels, same /FlateDecode, same image dictionary as ``pyhanko.pdf_utils.images.pil_image``.
    """
    import zlib

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    def write(img, writer):
        entries = {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): generic.NumberObject(img.width),
            pdf_name("/Height"): generic.NumberObject(img.height),
            pdf_name("/BitsPerComponent"): generic.NumberObject(8),
            pdf_name("/Filter"): pdf_name("/FlateDecode"),
        }
        if img.mode == "RGBA":
            entries[pdf_name("/SMask")] = write(img.getchannel("A"), writer)
            img = img.convert("RGB")
        entries[pdf_name("/ColorSpace")] = pdf_name(
            "/DeviceGray" if img.mode == "L" else "/DeviceRGB"
        )
        data = zlib.compress(img.tobytes(), SEAL_IMAGE_ZLIB_LEVEL)
        return writer.add_object(generic.StreamObject(entries, encoded_data=data))

    class FastImage(base):
        @property
        def image_ref(self):
            ref = self._image_ref
            if ref is None or ref.get_pdf_handler() is not self.writer:
                self._image_ref = ref = write(self.image, self.writer)
            return ref

    return FastImage


def _outside_event_loop(work):
    """pyHanko's synchronous API runs its own event loop (``asyncio.run``), which cannot start
    in a thread whose loop is already running (a caller driving Playwright's sync API, an
    async view): the work then runs in a worker thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _last_signature_digest(pdf: bytes, start: int = 0) -> str:
    """SHA-256 of the signature value of the last ``/Contents <hex>`` in ``pdf`` — the
    signature just made — without re-parsing the whole file. ``start``: where the signing
    revision begins (the unsigned file's length), so the page content is not scanned again."""
    from asn1crypto import cms

    found = re.compile(rb"/Contents\s*<([0-9a-fA-F]+)>").findall(pdf, start)
    if not found:
        return ""
    content = cms.ContentInfo.load(bytes.fromhex(found[-1].decode()), strict=False)
    signer_info = content["content"]["signer_infos"][0]
    return hashlib.sha256(signer_info["signature"].native).hexdigest()


def signature_digests(pdf: bytes) -> list[str]:
    """SHA-256 of each embedded CMS signature value: what the ledger records at issuance."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return [
        hashlib.sha256(sig.signer_info["signature"].native).hexdigest()
        for sig in reader.embedded_signatures
    ]


@dataclass
class SignatureReport:
    """One signature as the verification page and command tell it."""

    valid: bool
    intact: bool
    trusted: bool
    signer: str = ""
    serial: str = ""
    signed_at: datetime | None = None
    timestamp_at: datetime | None = None
    revoked_at: datetime | None = None
    signed_before_revocation: bool = False
    covers_whole_file: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass
class VerificationReport:
    signatures: list[SignatureReport]
    error: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and not self.error and all(s.valid for s in self.signatures)


def _common_name(cert) -> str:
    """The certificate's holder in people words: its common name (agency seal or person)."""
    if cert is None:
        return ""
    native = cert.subject.native
    return native.get("common_name") or cert.subject.human_friendly


def _validate(sig, context):
    from pyhanko.sign.validation import validate_pdf_signature

    return _outside_event_loop(
        lambda: validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=context
        )
    )


def _trusted_signing_time(status, sig) -> datetime | None:
    """When the signature was made, by evidence other than the signer's own word: the RFC 3161
    timestamp when it validates, else the signing time the ledger's ``document.issue`` event
    recorded for this very signature value (hash-chained, so not back-datable)."""
    import json

    from sanxiang.ledger.models import LedgerEntry

    stamp = status.timestamp_validity
    if stamp is not None and stamp.intact and stamp.valid and stamp.trusted:
        return stamp.timestamp
    digest = hashlib.sha256(sig.signer_info["signature"].native).hexdigest()
    for entry in LedgerEntry.objects.filter(action="document.issue", body__contains=digest):
        details = json.loads(entry.body).get("details") or {}
        signature = details.get("signature") or {}
        if signature.get("signature_sha256") == digest and signature.get("signed_at"):
            return datetime.fromisoformat(signature["signed_at"])
    return None


def verify_pdf(pdf: bytes) -> VerificationReport:
    """Validate every signature in ``pdf`` against the agency CA and its CRL, offline."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return VerificationReport([], error=_("文件已损坏，无法读取其中的签名。"))
    if not embedded:
        return VerificationReport([], error=_("文件中没有电子签名或电子印章。"))
    reports = []
    context = validation_context()
    for sig in embedded:
        try:
            status = _validate(sig, context)
        except Exception as exc:
            reports.append(SignatureReport(False, False, False, problems=[str(exc)]))
            continue
        cert = status.signing_cert
        revoked_at = pki.serial_revoked(cert.serial_number) if cert is not None else None
        before_revocation = False
        if revoked_at is not None:
            # An officer who left: what he signed before stays valid as signed then — if a
            # time we trust (the timestamp, else the ledger's issue event) proves it.
            proven_at = _trusted_signing_time(status, sig)
            if proven_at is not None and proven_at < revoked_at:
                try:
                    status = _validate(sig, validation_context(moment=proven_at))
                    before_revocation = True
                except Exception:  # pragma: no cover - the first pass read it already
                    pass
        # Only validation data (DSS, B-LT) may follow the signature: pyHanko's difference
        # analysis says so (docmdp_ok); any other later change makes the signature fail.
        whole = bool(getattr(status, "docmdp_ok", False)) and status.coverage is not None
        report = SignatureReport(
            valid=bool(status.bottom_line) and whole and (revoked_at is None or before_revocation),
            intact=bool(status.intact),
            trusted=bool(status.trusted),
            signer=_common_name(cert),
            serial=format(cert.serial_number, "x") if cert is not None else "",
            signed_at=status.signer_reported_dt,
            timestamp_at=(
                status.timestamp_validity.timestamp if status.timestamp_validity else None
            ),
            revoked_at=revoked_at,
            signed_before_revocation=before_revocation,
            covers_whole_file=whole,
        )
        if not status.intact:
            report.problems.append(_("签名后文件内容被改动。"))
        if not status.valid:
            report.problems.append(_("签名值校验不通过。"))
        if status.intact and status.valid and not status.trusted:
            report.problems.append(_("签名证书不能追溯到本机构的证书机构，或已被撤销。"))
        if revoked_at is not None and not before_revocation:
            report.problems.append(_("签名证书已被撤销。"))
        if not whole:
            report.problems.append(_("签名后文件又被追加了内容。"))
        reports.append(report)
    return VerificationReport(reports)


def ledger_finds(pdf: bytes):
    """The issued document whose ledger issue event records this file's SHA-256, or None.

    The ledger side of verification: a changed byte changes the digest, so nothing is found.
    """
    import json

    from sanxiang.ledger.models import LedgerEntry
    from sanxiang.ledger.services import object_type_of

    from .models import Document

    digest = hashlib.sha256(pdf).hexdigest()
    for document in Document.objects.filter(pdf_sha256=digest).select_related("number"):
        entries = LedgerEntry.objects.filter(
            action="document.issue",
            object_type=object_type_of(document),
            object_id=str(document.pk),
        )
        for entry in entries:
            details = json.loads(entry.body).get("details") or {}
            if details.get("pdf_sha256") == digest:
                return document
    return None
