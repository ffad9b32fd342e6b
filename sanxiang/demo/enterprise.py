"""Demo of 企业端 (ADR 0150): one mine with an account, its written consent to electronic
service on file, its rectification order served on its account; one self-registration
waiting for the agency's check."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.enterprise import services
from sanxiang.inspections.models import OnsiteMeasure
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role

DEMO_MINE_LOGIN = "kuang01"


def load_demo_enterprise(*, province: Agency, password: str) -> None:
    measure = (
        OnsiteMeasure.objects.filter(
            inspection__agency__path__startswith=province.path, due_on__isnull=False
        )
        .select_related("inspection__mine", "document")
        .order_by("pk")
        .first()
    )
    if measure is None:
        return
    mine = measure.inspection.mine
    officer = measure.created_by
    head = (
        Staff.objects.filter(agency=measure.inspection.agency, role_grants__role=Role.HEAD)
        .order_by("pk")
        .first()
    )
    services.account_create(
        actor=head or officer,
        mine=mine,
        login=DEMO_MINE_LOGIN,
        full_name="安全科长 赵某（示例）",
        position="安全科科长",
        phone="0351-7654321",
        password=password,
    )
    services.consent_record(
        actor=officer,
        mine=mine,
        signed_on=timezone.localdate(),
        signatory="矿长 钱某（示例）",
        file=_consent_form(mine.name),
        file_name="电子送达地址确认书（示例）.txt",
    )
    services.delivery_send(actor=officer, document=measure.document, mine=mine)
    other = (
        type(mine)
        .objects.filter(supervising_agency=mine.supervising_agency)
        .exclude(pk=mine.pk)
        .order_by("pk")
        .first()
    )
    if other is not None:
        services.account_register(
            credit_code=other.credit_code,
            login="kuang02",
            full_name="安全员 孙某（示例）",
            position="安全员",
            phone="0351-7654322",
            password=password,
        )


def _consent_form(mine_name: str) -> bytes:
    return (
        f"电子送达地址确认书（示例）\n\n{mine_name}同意监管机构通过本系统企业账号向本单位"
        "电子送达执法文书，文书到达企业账号之日即为送达之日。\n\n签署人：矿长 钱某（示例）\n"
    ).encode()
