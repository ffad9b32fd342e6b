"""The sections of a mine's home page, registered by the apps that own them (ADR 0150).

A mine's account home lists what concerns it: rectification orders, documents served on it,
its published results — and, once those apps register, its licensing applications and its
complaints. An app registers in its ``AppConfig.ready``::

    from sanxiang.enterprise.sections import register_enterprise_section

    register_enterprise_section(
        key="licensing",
        title=_("行政许可申请"),
        url_name="licensing:enterprise_list",   # a page under /enterprise/ of that app
        summary=lambda account: applications_for_mine(account.mine).count(),
        order=40,
    )

``summary(account)`` returns a number (shown as a count) or a short text. The page behind
``url_name`` must read only ``request.enterprise.mine``'s rows and be decorated with
:func:`sanxiang.enterprise.views.account_required` (or live under ``/enterprise/`` and check
``request.enterprise`` itself); the isolation test walks every URL pattern as a mine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class EnterpriseSection:
    key: str
    title: str
    url_name: str
    summary: Callable[[Any], int | str] | None = None
    order: int = 100
    description: str = ""

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_SECTIONS: dict[str, EnterpriseSection] = {}


def register_enterprise_section(
    *,
    key: str,
    title: str,
    url_name: str,
    summary: Callable[[Any], int | str] | None = None,
    order: int = 100,
    description: str = "",
) -> EnterpriseSection:
    """Add (or replace, by ``key``) a section of the mine's home page."""
    section = EnterpriseSection(
        key=key,
        title=title,
        url_name=url_name,
        summary=summary,
        order=order,
        description=description,
    )
    _SECTIONS[key] = section
    return section


def sections() -> list[EnterpriseSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def home_rows(account: Any) -> list[dict[str, Any]]:
    rows = []
    for section in sections():
        url = section.url()
        if url is None:
            continue
        rows.append(
            {
                "title": section.title,
                "url": url,
                "description": section.description,
                "summary": section.summary(account) if section.summary else None,
            }
        )
    return rows
