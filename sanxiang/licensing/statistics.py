"""The licensing window's figures in the enforcement statistics (P12, ADR 0170/0173), registered
from ``LicensingConfig.ready``: applications received, accepted, decided (granted / denied),
decided late, and licences issued, each under the agency that handled it and each a link to the
list behind it (the same queryset and condition as the figure).
"""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Application, Licence
from .workflow import Outcome


def register() -> None:
    from sanxiang.supervision.statistics.indicators import (
        Column,
        Indicator,
        Source,
        register_source,
    )

    group = _("行政许可")

    def url(r) -> str:
        return reverse("licensing:application_detail", args=[getattr(r, "application_id", r.pk)])

    columns = [
        Column(_("申请编号"), lambda r: r.number),
        Column(_("申请人"), lambda r: r.mine),
        Column(_("许可事项"), lambda r: r.item_name),
        Column(_("状态"), lambda r: r.get_status_display()),
    ]
    register_source(
        Source(
            "applications_received",
            _("行政许可申请"),
            lambda: Application.objects.select_related("mine"),
            "agency",
            "received_on",
            False,
            url,
            columns,
        ),
        [Indicator("licensing_received", _("收到许可申请"), group)],
    )
    register_source(
        Source(
            "applications_accepted",
            _("受理许可申请"),
            lambda: Application.objects.select_related("mine"),
            "agency",
            "accepted_on",
            False,
            url,
            columns,
        ),
        [Indicator("licensing_accepted", _("受理许可申请"), group)],
    )
    register_source(
        Source(
            "applications_decided",
            _("作出许可决定"),
            lambda: Application.objects.select_related("mine"),
            "agency",
            "decided_on",
            False,
            url,
            [*columns, Column(_("决定日期"), lambda r: r.decided_on)],
        ),
        [
            Indicator("licensing_decided", _("作出许可决定"), group),
            Indicator(
                "licensing_granted", _("准予许可"), group, lambda _t: Q(outcome=Outcome.GRANT)
            ),
            Indicator("licensing_denied", _("不予许可"), group, lambda _t: Q(outcome=Outcome.DENY)),
            Indicator(
                "licensing_late",
                _("超过决定期限作出决定"),
                group,
                lambda _t: Q(decision_due__isnull=False, decided_on__gt=F("decision_due")),
            ),
        ],
    )
    register_source(
        Source(
            "licences_issued",
            _("颁发许可证"),
            lambda: Licence.objects.select_related("mine"),
            "agency",
            "issued_on",
            False,
            url,
            [
                Column(_("许可证编号"), lambda r: r.number),
                Column(_("持证单位"), lambda r: r.mine),
                Column(_("发证日期"), lambda r: r.issued_on),
            ],
        ),
        [Indicator("licences_issued", _("颁发许可证"), group)],
    )
