"""The demo's licensing window (issue 15): one application in progress — received six days ago
missing one material, told once what to complete, completed and accepted today, now under review
with its decision due date — and one answered, published consultation."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sanxiang.licensing import services
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

PDF = b"%PDF-1.4\n% demo material\n"


def _staff(agency: Agency, role: str) -> Staff | None:
    return (
        Staff.objects.filter(agency=agency, is_active=True, role_grants__role=role)
        .order_by("pk")
        .first()
    )


def load_demo_licensing(*, province: Agency) -> None:
    officer = _staff(province, Role.OFFICER) or _staff(province, Role.HEAD)
    mine = CoalMine.objects.filter(supervising_agency__path__startswith=province.path).first()
    items = [i for i in services.licensing_items(agency=province) if i.code == "XK-001"]
    if officer is None or mine is None or not items:
        return
    item = items[0]
    today = timezone.localdate()
    received = today - datetime.timedelta(days=6)
    names = item.material_list
    application = services.submit_application(
        mine=mine,
        item=item,
        materials=[services.Material(n, f"{n}.pdf", PDF) for n in names[:-1]],
        request=f"{mine.name}申请办理{item.name}（演示）",
        contact="办公室（演示）",
        registered_by=officer,
        received_on=received,
    )
    application = services.correction_notice(
        actor=officer, application=application, missing=[names[-1]], on=received
    )
    application = services.correction_complete(
        application=application,
        materials=[services.Material(names[-1], f"{names[-1]}.pdf", PDF)],
        registered_by=officer,
        on=today,
    )
    services.accept(actor=officer, application=application, on=today)
    consultation = services.consultation_ask(
        agency=province,
        item_name=item.name,
        question="申请材料可以只交电子版吗？（演示）",
        publish_consent=True,
    )
    services.consultation_answer(
        actor=officer,
        consultation=consultation,
        answer="可以在网上提交电子版；纸质材料原件在现场核查时查验。（演示）",
    )
