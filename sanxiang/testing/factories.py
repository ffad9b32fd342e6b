"""Objects for tests, made through the services so that tests see what production sees."""

from __future__ import annotations

import datetime
import itertools
import random

from django.utils import timezone

from sanxiang.demo.identities import credit_code, id_card
from sanxiang.org import services as org
from sanxiang.org.models import Agency, AgencyLevel, Staff
from sanxiang.org.roles import Role
from sanxiang.registry import services as registry
from sanxiang.registry.models import CoalMine, MineStatus, MineType, Person

PASSWORD = "Test-pass-2026"
_rng = random.Random(7)
_counter = itertools.count(1)


def superuser() -> Staff:
    existing = Staff.objects.filter(username="root").first()
    return existing or Staff.objects.create_superuser(
        username="root", password=PASSWORD, full_name="超级管理员"
    )


def agency(*, parent: Agency | None = None, name: str | None = None, short: str = "测") -> Agency:
    n = next(_counter)
    level = (
        AgencyLevel.NATIONAL
        if parent is None
        else {
            AgencyLevel.NATIONAL: AgencyLevel.PROVINCIAL,
            AgencyLevel.PROVINCIAL: AgencyLevel.SUB_BUREAU,
        }[parent.level]
    )
    return org.agency_create(
        actor=superuser(),
        parent=parent,
        name=name or f"测试机构{n}",
        short_name=short,
        level=level,
        credit_code=credit_code(_rng, "140100", "11"),
        division_code="140100",
    )


def staff(*, agency: Agency, roles: list[str], username: str | None = None, **extra) -> Staff:
    n = next(_counter)
    return org.staff_create(
        actor=superuser(),
        username=username or f"user{n}",
        agency=agency,
        roles=roles,
        password=PASSWORD,
        full_name=extra.pop("full_name", f"测试人员{n}"),
        **extra,
    )


def officer(*, agency: Agency, certified: bool = True, **extra) -> Staff:
    person = staff(agency=agency, roles=[Role.OFFICER], **extra)
    if certified:
        today = timezone.localdate()
        org.certificate_issue(
            actor=superuser(),
            holder=person,
            number=f"T{person.pk:09d}",
            issuing_authority="测试省人民政府",
            issued_on=today - datetime.timedelta(days=365),
            expires_on=today + datetime.timedelta(days=365),
        )
    return person


def mine(*, agency: Agency, **fields) -> CoalMine:
    n = next(_counter)
    values = {
        "name": f"测试煤矿{n}",
        "credit_code": credit_code(_rng, "140100"),
        "division_code": "140100",
        "address": "测试省测试市测试镇",
        "mine_type": MineType.UNDERGROUND,
        "status": MineStatus.PRODUCING,
    }
    values.update(fields)
    return registry.mine_create(actor=superuser(), supervising_agency=agency, **values)


def person(*, agency: Agency, **fields) -> Person:
    n = next(_counter)
    values = {
        "name": f"测试人{n}",
        "id_number": id_card(_rng, "140100"),
        "phone": "13900000000",
    }
    values.update(fields)
    return registry.person_create(actor=superuser(), agency=agency, **values)


def catalog_team(*, agency: Agency) -> dict[str, Staff]:
    """An editor, a legal reviewer and a head of ``agency``: who drafts, reviews and approves catalogs."""
    return {
        "editor": staff(agency=agency, roles=[Role.PUBLICITY_EDITOR]),
        "reviewer": staff(agency=agency, roles=[Role.LEGAL_REVIEWER], has_legal_qualification=True),
        "head": staff(agency=agency, roles=[Role.HEAD]),
    }


# --- evidence ----------------------------------------------------------------------------------

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def custodian(*, agency: Agency, **extra) -> Staff:
    return staff(agency=agency, roles=[Role.CUSTODIAN], **extra)


def head(*, agency: Agency, **extra) -> Staff:
    return staff(agency=agency, roles=[Role.HEAD], **extra)


def recording_device(*, agency: Agency, underground: bool = False, **fields):
    from sanxiang.evidence import services as evidence

    n = next(_counter)
    values = {"serial_number": f"DSJ-{n:06d}", "model_name": "测试执法记录仪 DSJ-V9"}
    if underground:
        values.update(
            explosion_proof=True,
            mine_safety_certificate=f"MAE{n:09d}",
            mine_safety_valid_until=timezone.localdate() + datetime.timedelta(days=365),
        )
    values.update(fields)
    return evidence.device_register(actor=superuser(), agency=agency, **values)


def recording(
    *,
    actor: Staff,
    data: bytes | None = None,
    filename: str | None = None,
    content_type: str = "video/mp4",
    **metadata,
):
    """A recording stored through the same service as browser uploads (a tiny fake MP4)."""
    from sanxiang.evidence import services as evidence

    n = next(_counter)
    data = data if data is not None else MP4_HEAD + f"recording {n}".encode() * 64
    return evidence.recording_create_from_stream(
        actor=actor,
        chunks=[data],
        filename=filename or f"DSJ_{n:04d}.mp4",
        content_type=content_type,
        metadata=metadata,
    )


def retrieval(*, recording, requester: Staff, scope: str = "view", hours: int = 24):
    """A pending retrieval request (调阅申请) for ``recording``."""
    from sanxiang.evidence import services as evidence

    now = timezone.now()
    return evidence.retrieval_request_create(
        actor=requester,
        recording=recording,
        purpose="测试调阅",
        scope=scope,
        valid_from=now,
        valid_until=now + datetime.timedelta(hours=hours),
    )
