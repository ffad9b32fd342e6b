"""On what ground a person reads a subject's records without asking (JL-USE-2; ADR 0065, 0123).

A *subject* is what records hang off: a case (``cases.case``), an inspection
(``inspections.inspection``), later an archive unit. Recordings (``evidence/access.py``) and
documents (``documents/access.py``) ask here who is entitled to a subject's content; the apps
that know the facts register them in their ``AppConfig.ready``:

* :func:`register_subject_team` — who handles the subject (the case's officers, the
  inspection's team);
* :func:`register_subject_review` — the review whose open round the user is assigned to
  review (legal review, SH-CONT-1);
* :func:`register_subject_ground` — any further ground that names itself: the head who has a
  pending approval step of the case (``head-approval:case:12:approve_report``), the editor of
  an unfinished publication of it (``publication:7``), an evaluator assigned to the file (P12,
  ``evaluation:3``). Later apps add theirs the same way; nothing here needs to change.

A ground is a short string that goes into the ledger event of every read, so an auditor sees
why the read was allowed (JL-USE-3): ``team:case:12``, ``review:12``, ``custodian``,
``borrow:5``. Resolvers get the subject's id as a string and must answer ``None`` (or an empty
set) for a subject they do not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TeamResolver = Callable[[str], set[int]]
ReviewResolver = Callable[[str, Any], int | None]
GroundResolver = Callable[[str, Any], str | None]

# subject type (``app.model``) -> function(subject id) -> ids of staff on that subject's team.
_TEAMS: dict[str, TeamResolver] = {}
# subject type -> function(subject id, user) -> id of the review whose open round the user is
# assigned to, or None.
_REVIEWS: dict[str, ReviewResolver] = {}
# subject type -> [(name, function(subject id, user) -> ground or None)], in registration order.
_GROUNDS: dict[str, list[tuple[str, GroundResolver]]] = {}
# Prefixes of grounds that let a person view the content but not download it (an evaluator
# reads a file on the spot, ADR 0160): ``evaluation:3`` -> "evaluation".
_VIEW_ONLY: set[str] = set()


def register_subject_team(subject_type: str, resolver: TeamResolver) -> None:
    """Let the app owning a subject (a case, an inspection) say who is on its team."""
    _TEAMS[subject_type] = resolver


def register_subject_review(subject_type: str, resolver: ReviewResolver) -> None:
    """Let the review workflow say which legal reviewer is reviewing a subject (a case) now."""
    _REVIEWS[subject_type] = resolver


def register_subject_ground(
    subject_type: str, name: str, resolver: GroundResolver, *, view_only: bool = False
) -> None:
    """Add a named ground on ``subject_type``'s records (registering a name again replaces it).
    A ``view_only`` ground opens content for viewing, never for download; the grounds it
    returns must start with ``name`` followed by a colon."""
    entries = [e for e in _GROUNDS.get(subject_type, []) if e[0] != name]
    _GROUNDS[subject_type] = [*entries, (name, resolver)]
    if view_only:
        _VIEW_ONLY.add(name)


def downloads(ground: str) -> bool:
    """Whether ``ground`` lets its holder download the content (not only view it)."""
    return ground.split(":", 1)[0] not in _VIEW_ONLY


def short_type(subject_type: str) -> str:
    """``cases.case`` -> ``case``, as grounds write it."""
    return subject_type.rsplit(".", 1)[-1]


def team_ids(subject_type: str, subject_id: str) -> set[int]:
    resolver = _TEAMS.get(subject_type)
    if resolver is None or not subject_id:
        return set()
    return set(resolver(str(subject_id)))


def reviewing(subject_type: str, subject_id: str, user: Any) -> int | None:
    """The review whose open round ``user`` is assigned to, of that subject, or None."""
    resolver = _REVIEWS.get(subject_type)
    if resolver is None or not subject_id:
        return None
    return resolver(str(subject_id), user)


def subject_ground(
    user: Any, subject_type: str, subject_id: str, *, reviews: bool = True
) -> str | None:
    """The first ground on which ``user`` reads the records of ``subject_type:subject_id``:
    its team, the assigned legal reviewer of an open round (unless ``reviews`` is False: the
    caller handles it itself), then the registered grounds; None when there is none."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not subject_type or not subject_id:
        return None
    if user.pk in team_ids(subject_type, subject_id):
        return f"team:{short_type(subject_type)}:{subject_id}"
    if reviews:
        review_id = reviewing(subject_type, subject_id, user)
        if review_id is not None:
            return f"review:{review_id}"
    for _name, resolver in _GROUNDS.get(subject_type, []):
        ground = resolver(str(subject_id), user)
        if ground:
            return ground
    return None
