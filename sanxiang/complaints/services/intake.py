"""Intake of reports: the public form, registration by phone or letter, and abuse protection.

Abuse protection works offline (ADR 0140): a proof of work in the ALTCHA format (the ``altcha``
library creates and verifies challenges; a small vendored script solves them in the browser),
each challenge spendable once; rate limits per client address and hour on every POST, on
reports filed and on upload grants (429 beyond); quotas on files per report and bytes per
address and day. Client addresses are kept only as keyed MACs.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
from typing import Any

import altcha
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import in_scope, require_role
from sanxiang.core.querycodes import query_code_matches
from sanxiang.org.models import Agency, Staff
from sanxiang.registry.models import CoalMine

from ..conf import setting
from ..models import (
    Complaint,
    ComplaintFile,
    ComplaintStep,
    IntakeMark,
    PublicUpload,
    PublicUploadStatus,
    UploadGrant,
)
from ..workflow import INTAKE, ComplaintCategory, ComplaintChannel, ComplaintStatus
from .common import clean_text, keyed_digest, raise_if, record

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


class IntakeRefused(Exception):
    """A public request refused as a whole: ``status`` 429 (too many) or 400/403/413/415."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- rate limits ---------------------------------------------------------------------------


def throttle_hit(*, address: str, kind: str, limit: int, window: int = 3600) -> None:
    """Count one ``kind`` request from ``address``; refuse with 429 when ``limit`` requests of
    that kind came in the last ``window`` seconds. The mark is written in its own transaction
    so that a refused or failed request still counts."""
    key = keyed_digest("address", address or "-")
    now = timezone.now()
    with transaction.atomic():
        recent = IntakeMark.objects.filter(
            kind=kind, key=key, at__gte=now - datetime.timedelta(seconds=window)
        ).count()
        if recent >= limit:
            raise IntakeRefused(429, _("提交过于频繁，请一小时后再试。"))
        IntakeMark.objects.create(kind=kind, key=key, at=now)
        if secrets.randbelow(50) == 0:
            IntakeMark.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()


def _count_report(address: str) -> None:
    throttle_hit(
        address=address, kind="report", limit=setting("SANXIANG_COMPLAINT_REPORTS_PER_HOUR")
    )


# --- proof of work -------------------------------------------------------------------------


def _pow_key() -> str:
    return keyed_digest("altcha", "challenge-key")


def pow_challenge() -> dict[str, Any]:
    """A fresh ALTCHA challenge (JSON for the browser's solver)."""
    expires = timezone.now() + datetime.timedelta(seconds=setting("SANXIANG_COMPLAINT_POW_SECONDS"))
    challenge = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            hmac_key=_pow_key(), max_number=setting("SANXIANG_COMPLAINT_POW_MAX"), expires=expires
        )
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def pow_spend(payload: str) -> None:
    """Check a solved challenge and mark it spent; a field error when it is missing, wrong,
    expired or used before."""
    refused = ValidationError({"captcha": [_("人机验证未通过或已过期，请重新验证后提交。")]})
    payload = (payload or "").strip()
    if not payload or len(payload) > 2000:
        raise refused
    try:
        ok, _error = altcha.verify_solution_v1(payload, _pow_key(), check_expires=True)
        data = json.loads(base64.b64decode(payload, validate=True))
    except Exception:
        raise refused from None
    if not ok:
        raise refused
    spent = keyed_digest("pow", str(data.get("challenge", "")))
    try:
        with transaction.atomic():
            IntakeMark.objects.create(kind="pow", key=spent, at=timezone.now())
    except IntegrityError:
        raise refused from None


# --- upload grants -------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def grant_issue(*, address: str, pow_payload: str) -> tuple[str, UploadGrant]:
    """The upload capability (ADR 0140): after the proof of work, within the hourly limit."""
    throttle_hit(address=address, kind="grant", limit=setting("SANXIANG_COMPLAINT_GRANTS_PER_HOUR"))
    pow_spend(pow_payload)
    token = secrets.token_urlsafe(32)
    grant = UploadGrant.objects.create(
        token_hash=_token_hash(token),
        address_mac=keyed_digest("address", address or "-"),
        expires_at=timezone.now()
        + datetime.timedelta(seconds=setting("SANXIANG_COMPLAINT_GRANT_SECONDS")),
    )
    return token, grant


def grant_find(token: str) -> UploadGrant | None:
    """The unused, unexpired grant of ``token``, or None."""
    if not token or len(token) > 100:
        return None
    grant = UploadGrant.objects.filter(token_hash=_token_hash(token)).first()
    if grant is None or grant.used_at is not None or grant.expires_at < timezone.now():
        return None
    return grant


# --- the report itself ---------------------------------------------------------------------


def _new_number(now: datetime.datetime) -> str:
    for _attempt in range(20):
        number = f"JB{now:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Complaint.objects.filter(number=number).exists():
            return number
    raise RuntimeError("no free complaint number")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _clean_report(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    category = data.get("category")
    if category not in ComplaintCategory.values:
        errors.setdefault("category", []).append(_("请选择举报类别。"))
    values["category"] = category
    mine = data.get("mine")
    if mine is not None and not isinstance(mine, CoalMine):
        errors.setdefault("mine", []).append(_("所选煤矿不存在。"))
        mine = None
    values["mine"] = mine
    values["mine_text"] = clean_text(data, "mine_text", 200, errors)
    if mine is None and not values["mine_text"]:
        errors.setdefault("mine", []).append(_("请选择被举报的煤矿，或填写被举报单位名称。"))
    values["description"] = clean_text(
        data, "description", 5000, errors, required=_("请写明举报的问题。")
    )
    values["place"] = clean_text(data, "place", 200, errors)
    occurred = data.get("occurred_on")
    if occurred is not None and not isinstance(occurred, datetime.date):
        errors.setdefault("occurred_on", []).append(_("请填写有效的日期。"))
        occurred = None
    if occurred and occurred > timezone.localdate():
        errors.setdefault("occurred_on", []).append(_("发生日期不能晚于今天。"))
    values["occurred_on"] = occurred
    values["involves_deaths"] = bool(data.get("involves_deaths"))
    values["reporter_name"] = clean_text(data, "reporter_name", 50, errors)
    values["reporter_contact"] = clean_text(data, "reporter_contact", 100, errors)
    values["anonymous"] = not (values["reporter_name"] or values["reporter_contact"])
    agency = data.get("agency")
    if mine is not None:
        agency = mine.supervising_agency
    if not isinstance(agency, Agency):
        errors.setdefault("agency", []).append(_("请选择受理机构。"))
    values["agency"] = agency
    return values


def _create(
    *, values: dict[str, Any], channel: str, actor: Staff | None, status: str
) -> tuple[Complaint, str]:
    now = timezone.now()
    code = _new_code()
    complaint = Complaint(
        number=_new_number(now),
        query_code_hash=make_password(code),
        channel=channel,
        received_at=now,
        created_by=actor,
        status=ComplaintStatus.RECEIVED,
        **values,
    )
    complaint.full_clean()
    complaint.save()
    ComplaintStep.objects.create(complaint=complaint, status=ComplaintStatus.RECEIVED, at=now)
    if status != ComplaintStatus.RECEIVED:
        complaint.status = status
        complaint.intake_officer = actor
        complaint.save()
        ComplaintStep.objects.create(complaint=complaint, status=status, at=now)
    if complaint.involves_deaths:
        complaint.escalated_at = now
        complaint.save()
    return complaint, code


def _attach(complaint: Complaint, grant: UploadGrant, upload_ids: list[str], errors: dict) -> None:
    ids = list(dict.fromkeys(str(u).strip()[:32] for u in upload_ids if str(u).strip()))
    if ids and grant is None:
        errors.setdefault("files", []).append(_("附件上传凭证无效或已过期，请重新上传。"))
        return
    uploads = list(
        PublicUpload.objects.select_for_update().filter(
            pk__in=ids, grant=grant, status=PublicUploadStatus.COMPLETE
        )
    )
    if len(uploads) != len(ids):
        errors.setdefault("files", []).append(_("有附件未上传完成或已被拒收，请重新上传。"))
        return
    if len(uploads) > setting("SANXIANG_COMPLAINT_FILES_PER_REPORT"):
        errors.setdefault("files", []).append(_("附件数量超过上限。"))
        return
    for upload in uploads:
        ComplaintFile.objects.create(
            complaint=complaint,
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.length,
            sha256=upload.sha256,
            original_path=upload.blob_path,
        )
        upload.status = PublicUploadStatus.ATTACHED
        upload.save(update_fields=["status"])


def _after_commit(complaint: Complaint) -> None:
    if complaint.files.exists():
        pk = complaint.pk

        def scan() -> None:
            from ..tasks import scan_complaint_files

            scan_complaint_files.enqueue(pk)

        transaction.on_commit(scan)


def complaint_submit(
    *,
    address: str,
    data: dict[str, Any],
    pow_payload: str = "",
    grant_token: str = "",
    upload_ids: list[str] | None = None,
) -> tuple[Complaint, str]:
    """GS-MID-3: a report filed on the portal, anonymous or not. Returns it and its query code
    (shown once, stored only hashed). All or nothing: a refused report leaves no row behind."""
    upload_ids = list(upload_ids or [])
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        values = _clean_report(data, errors)
        grant = grant_find(grant_token) if grant_token else None
        if grant is not None:
            grant = UploadGrant.objects.select_for_update().get(pk=grant.pk)
        raise_if(errors)
        if grant is None:
            if grant_token:
                raise ValidationError(
                    {"files": [_("附件上传凭证无效或已过期，请重新验证后上传。")]}
                )
            pow_spend(pow_payload)
        complaint, code = _create(
            values=values,
            channel=ComplaintChannel.ONLINE,
            actor=None,
            status=ComplaintStatus.RECEIVED,
        )
        _attach(complaint, grant, upload_ids, errors)
        raise_if(errors)
        if grant is not None:
            grant.used_at = timezone.now()
            grant.complaint = complaint
            grant.save(update_fields=["used_at", "complaint"])
        record(
            None,
            "submit",
            complaint,
            channel=complaint.channel,
            files=complaint.files.count(),
            escalated=complaint.escalated_at is not None,
        )
        _count_report(address)
        _after_commit(complaint)
    return complaint, code


def complaint_submit_by_mine(
    *, mine: CoalMine, category: str, description: str, place: str = "", contact: str = ""
) -> tuple[Complaint, str]:
    """A complaint a coal mine files from its own account (企业端) against the agency: the
    mine is the complainant, the supervising agency receives it. For ``complaints_by_mine``."""
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        values = _clean_report(
            {
                "category": category,
                "mine_text": str(mine.supervising_agency),
                "agency": mine.supervising_agency,
                "description": description,
                "place": place,
                "reporter_name": mine.name,
                "reporter_contact": contact,
            },
            errors,
        )
        raise_if(errors)
        values["complainant_mine"] = mine
        complaint, code = _create(
            values=values,
            channel=ComplaintChannel.ONLINE,
            actor=None,
            status=ComplaintStatus.RECEIVED,
        )
        record(None, "submit", complaint, channel=complaint.channel, by_mine=mine.pk)
    return complaint, code


@transaction.atomic
def complaint_register(
    *, actor: Staff, channel: str, data: dict[str, Any]
) -> tuple[Complaint, str]:
    """A report received by phone, letter or in person, registered by the officer who took it
    (he is its intake officer). Returns the report and its query code, told to the reporter."""
    require_role(actor, INTAKE, _("登记举报"))
    errors: dict[str, list[str]] = {}
    if channel not in (ComplaintChannel.PHONE, ComplaintChannel.LETTER, ComplaintChannel.VISIT):
        errors.setdefault("channel", []).append(_("请选择举报渠道（电话、信件或来访）。"))
    data = dict(data)
    data.setdefault("agency", actor.agency)
    values = _clean_report(data, errors)
    if isinstance(values.get("agency"), Agency) and not in_scope(actor, values["agency"]):
        errors.setdefault("mine", []).append(_("该煤矿不在本机构监管范围内。"))
    raise_if(errors)
    complaint, code = _create(
        values=values, channel=channel, actor=actor, status=ComplaintStatus.REGISTERED
    )
    record(
        actor, "register", complaint, channel=channel, escalated=complaint.escalated_at is not None
    )
    return complaint, code


def query_code_check(number: str, code: str) -> Complaint | None:
    """The report with ``number`` when ``code`` is its query code, else None (same work either
    way, so a wrong number and a wrong code cannot be told apart by time)."""
    number = (number or "").strip().upper()[:30]
    code = (code or "").strip().upper()[:30]
    complaint = Complaint.objects.filter(number=number).first() if number else None
    encoded = complaint.query_code_hash if complaint else None
    return complaint if query_code_matches(code, encoded) else None


def require_intake_scope(actor: Staff, complaint: Complaint) -> None:
    if not in_scope(actor, complaint.agency):
        raise PermissionDenied(_("该举报不在您的管辖范围内。"))


def intake_purge(*, older_than_days: int = 1) -> int:
    """Remove what the public intake leaves behind: grants never used and their uploads (and
    partial files), rate-limit marks older than a day. A report's files are kept. Returns the
    number of grants removed."""
    from sanxiang.evidence import ingest

    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    IntakeMark.objects.filter(at__lt=cutoff).delete()
    stale = UploadGrant.objects.filter(used_at__isnull=True, expires_at__lt=cutoff)
    for upload_id in PublicUpload.objects.filter(grant__in=stale).values_list("pk", flat=True):
        ingest.discard_files(upload_id)
    count = stale.count()
    stale.delete()
    return count
