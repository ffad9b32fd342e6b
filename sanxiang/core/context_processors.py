"""Navigation by role for the base layout."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanxiang.core.permissions import is_superuser
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_EVERYONE = frozenset(Role.values)
NAVIGATION: tuple[tuple[NavItem, frozenset[str]], ...] = (
    (NavItem(_("工作台"), "home", "home"), _EVERYONE),
    (
        NavItem(_("我的检查"), "inspections:home", "inspections"),
        frozenset({Role.OFFICER, Role.HEAD}),
    ),
    (
        NavItem(_("我的案件"), "cases:home", "cases"),
        frozenset({Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER}),
    ),
    (
        NavItem(_("行政许可"), "licensing:application_list", "licensing"),
        frozenset({Role.OFFICER, Role.HEAD}),
    ),
    (
        NavItem(_("法制审核"), "review:home", "review"),
        frozenset({Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER}),
    ),
    (
        NavItem(_("执法公示"), "publicity:list", "publicity"),
        frozenset({Role.PUBLICITY_EDITOR, Role.HEAD, Role.LEGAL_REVIEWER}),
    ),
    (
        NavItem(_("投诉举报"), "complaints:list", "complaints"),
        frozenset({Role.OFFICER, Role.HEAD}),
    ),
    (NavItem(_("煤矿"), "registry:mine_list", "mines"), _EVERYONE),
    (
        NavItem(_("自然人"), "registry:person_list", "persons"),
        frozenset({Role.OFFICER, Role.LEGAL_REVIEWER, Role.HEAD, Role.SYSTEM_ADMIN}),
    ),
    (NavItem(_("执法机构"), "org:agency_list", "agencies"), _EVERYONE),
    (NavItem(_("工作人员"), "org:staff_list", "staff"), _EVERYONE),
    (NavItem(_("执法证"), "org:certificate_list", "certificates"), _EVERYONE),
    (
        NavItem(_("权限审批"), "org:privilege_list", "privileges"),
        frozenset({Role.HEAD, Role.SYSTEM_ADMIN}),
    ),
    (
        NavItem(_("法律顾问"), "org:adviser_list", "advisers"),
        frozenset({Role.LEGAL_REVIEWER, Role.HEAD, Role.SYSTEM_ADMIN}),
    ),
    (NavItem(_("工作日历"), "calendar", "calendar"), _EVERYONE),
    (NavItem(_("执法目录"), "catalog:index", "catalog"), _EVERYONE),
    (NavItem(_("音像证据"), "evidence:recording_list", "evidence"), _EVERYONE),
    (
        NavItem(_("执法档案"), "archive:unit_list", "archive"),
        frozenset({Role.CUSTODIAN, Role.HEAD}),
    ),
    (NavItem(_("文书借阅"), "documents:borrow_list", "borrow"), _EVERYONE),
    (
        NavItem(_("案卷评查"), "supervision:evaluation_campaigns", "evaluation"),
        frozenset({Role.OFFICER, Role.HEAD, Role.LEGAL_REVIEWER}),
    ),
    # issue 16: training and 年审 (BZ-3), 督办 and assessment (BZ-1, BZ-5)
    (
        NavItem(_("培训与年审"), "supervision:training_home", "training"),
        frozenset({Role.OFFICER, Role.LEGAL_REVIEWER, Role.HEAD, Role.SYSTEM_ADMIN}),
    ),
    (
        NavItem(_("督办与考核"), "supervision:notice_list", "notices"),
        frozenset({Role.HEAD, Role.OFFICER, Role.LEGAL_REVIEWER, Role.SYSTEM_ADMIN}),
    ),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [item for item, roles in NAVIGATION if is_superuser(user) or user.has_role(*roles)]
    return {
        "nav_items": items,
        "is_org_admin": is_superuser(user) or user.has_role(*ORG_ADMIN_ROLES),
    }
