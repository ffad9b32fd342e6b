"""Organisation services: hierarchy, roles, certificates and their validity by date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanxiang.org import services
from sanxiang.org.models import CertificateValidity
from sanxiang.testing import factories

D = datetime.date


@pytest.fixture
def admin(province):
    return factories.staff(agency=province["provincial"], roles=["system_admin"])


def test_agency_paths_form_the_hierarchy(province):
    assert province["a"].path.startswith(province["provincial"].path)
    assert province["provincial"].path.startswith(province["national"].path)
    assert province["a"].document_prefix() == "测（甲）"


def test_sub_bureau_needs_provincial_parent(admin, province):
    with pytest.raises(ValidationError) as exc:
        services.agency_create(
            actor=admin,
            parent=province["a"],
            name="错层级分局",
            short_name="错",
            level="sub_bureau",
            credit_code="91350100M000100Y43",
        )
    assert "parent" in exc.value.message_dict


def test_admin_of_sub_bureau_cannot_create_under_province(province):
    local_admin = factories.staff(agency=province["a"], roles=["system_admin"])
    with pytest.raises(PermissionDenied):
        services.agency_create(
            actor=local_admin,
            parent=province["provincial"],
            name="越权分局",
            short_name="越",
            level="sub_bureau",
            credit_code="91350100M000100Y43",
        )


def test_staff_can_hold_several_roles(province):
    person = factories.staff(agency=province["a"], roles=["officer", "head"])
    assert person.has_role("head") and person.has_role("officer")
    assert not person.has_role("legal_reviewer")


def test_staff_create_reports_weak_password_and_unknown_role(admin, province):
    with pytest.raises(ValidationError) as exc:
        services.staff_create(
            actor=admin,
            username="weak",
            agency=province["a"],
            roles=["wizard"],
            password="123",
            full_name="弱口令",
        )
    assert {"password", "roles"} <= set(exc.value.message_dict)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 12, 31), CertificateValidity.NOT_YET_VALID),
        (D(2026, 1, 1), CertificateValidity.VALID),
        (D(2030, 12, 31), CertificateValidity.VALID),
        (D(2031, 1, 1), CertificateValidity.EXPIRED),
    ],
)
def test_certificate_validity_boundaries(admin, province, day, expected):
    officer = factories.officer(agency=province["a"], certified=False)
    certificate = services.certificate_issue(
        actor=admin,
        holder=officer,
        number="C2026001",
        issuing_authority="测试",
        issued_on=D(2026, 1, 1),
        expires_on=D(2030, 12, 31),
    )
    assert certificate.validity_on(day) == expected


def test_revoked_certificate_is_invalid_and_final(admin, province):
    officer = factories.officer(agency=province["a"])
    certificate = officer.certificates.get()
    certificate = services.certificate_set_status(
        actor=admin, certificate=certificate, status="revoked", reason="调离"
    )
    assert not certificate.is_valid
    with pytest.raises(ValidationError):
        services.certificate_set_status(
            actor=admin, certificate=certificate, status="active", reason=""
        )


def test_suspension_needs_a_reason(admin, province):
    certificate = factories.officer(agency=province["a"]).certificates.get()
    with pytest.raises(ValidationError) as exc:
        services.certificate_set_status(
            actor=admin, certificate=certificate, status="suspended", reason=" "
        )
    assert "status_reason" in exc.value.message_dict


def test_only_officers_hold_certificates(admin, province):
    editor = factories.staff(agency=province["a"], roles=["publicity_editor"])
    with pytest.raises(ValidationError) as exc:
        services.certificate_issue(
            actor=admin,
            holder=editor,
            number="C1",
            issuing_authority="x",
            issued_on=D(2026, 1, 1),
            expires_on=D(2027, 1, 1),
        )
    assert "holder" in exc.value.message_dict


def test_shared_pool_advisers_are_visible_to_every_agency(admin, province):
    from sanxiang.org.selectors import adviser_list

    services.adviser_create(
        actor=admin, agency=province["a"], name="共享顾问", kind="legal_adviser", shared_pool=True
    )
    services.adviser_create(
        actor=admin,
        agency=province["a"],
        name="本单位顾问",
        kind="public_lawyer",
        shared_pool=False,
    )
    reviewer_b = factories.staff(agency=province["b"], roles=["legal_reviewer"])
    names = set(adviser_list(user=reviewer_b).values_list("name", flat=True))
    assert names == {"共享顾问"}
