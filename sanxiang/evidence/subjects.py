"""What a recording is linked to, in words: “案件：…” with a link, never ``cases.case:6``.

The subject is stored as ``app_label.model`` and a key (ADR 0020); this module turns that pair
into the object's kind, name and page for the screens, and the stage code into its label.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from sanxiang.catalog.stages import Stage
from sanxiang.org.models import Staff

from .services import LINKABLE_SUBJECTS

DETAIL_PAGES = {
    "registry.coalmine": "registry:mine_detail",
    "inspections.inspection": "inspections:inspection_detail",
    "cases.case": "cases:detail",
}


@dataclass(frozen=True)
class Subject:
    reference: str  # ``cases.case:6``: passed in hidden fields and links, never shown
    kind: str
    name: str
    url: str

    def __str__(self) -> str:
        return f"{self.kind}：{self.name}"


def subject_describe(*, user: Staff, subject_type: str, subject_id: str) -> Subject | None:
    """The subject as the user may see it; None when there is none, or it is not in his scope."""
    if subject_type not in LINKABLE_SUBJECTS or not subject_id or len(subject_id) > 64:
        return None
    model = apps.get_model(subject_type)
    try:
        obj = model._default_manager.restrict(user).filter(pk=subject_id).first()
    except (ValueError, TypeError):
        return None
    if obj is None:
        return None
    return Subject(
        reference=f"{subject_type}:{obj.pk}",
        kind=str(model._meta.verbose_name),
        name=str(obj),
        url=reverse(DETAIL_PAGES[subject_type], args=[obj.pk]),
    )


def subject_from_reference(*, user: Staff, reference: str) -> Subject | None:
    subject_type, _sep, subject_id = (reference or "").partition(":")
    return subject_describe(user=user, subject_type=subject_type, subject_id=subject_id)


def stage_label(code: str) -> str:
    """A stage code as its label (free text that is no stage code is shown as written)."""
    return str(Stage(code).label) if code in Stage.values else code
