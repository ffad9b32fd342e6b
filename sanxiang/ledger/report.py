"""What ``verify`` reports: the kinds of break, each problem found, and the whole report.

Kinds are stable codes (``content_changed`` …) for machines, with Chinese labels for people;
each problem carries the sequence number where the log is first broken by it, so the report
can name the first broken entry whatever mix of problems was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "CHECKPOINT_INCONSISTENT",
    "CHECKPOINT_SIGNATURE_INVALID",
    "CONTENT_CHANGED",
    "DERIVED_MISMATCH",
    "ENTRY_MISSING",
    "KINDS",
    "OBJECT_CHANGED",
    "OBJECT_DELETED",
    "OBJECT_UNRECORDED",
    "ROLE_UNGRANTED",
    "TREE_NODE_MISMATCH",
    "Problem",
    "ProblemLog",
    "Report",
]

CONTENT_CHANGED = "content_changed"
ENTRY_MISSING = "entry_missing"
TREE_NODE_MISMATCH = "tree_node_mismatch"
CHECKPOINT_SIGNATURE_INVALID = "checkpoint_signature_invalid"
CHECKPOINT_INCONSISTENT = "checkpoint_inconsistent"
OBJECT_CHANGED = "object_changed_outside_services"
OBJECT_DELETED = "object_deleted_outside_services"
OBJECT_UNRECORDED = "object_without_ledger_event"
DERIVED_MISMATCH = "derived_row_mismatch"
ROLE_UNGRANTED = "role_not_granted_in_ledger"

KINDS = {
    CONTENT_CHANGED: gettext_lazy("记录内容被改动"),
    ENTRY_MISSING: gettext_lazy("记录缺失"),
    TREE_NODE_MISMATCH: gettext_lazy("树节点不符"),
    CHECKPOINT_SIGNATURE_INVALID: gettext_lazy("检查点签名无效"),
    CHECKPOINT_INCONSISTENT: gettext_lazy("检查点不一致"),
    OBJECT_CHANGED: gettext_lazy("对象在业务服务之外被修改"),
    OBJECT_DELETED: gettext_lazy("对象在业务服务之外被删除"),
    OBJECT_UNRECORDED: gettext_lazy("数据行没有账本记录"),
    DERIVED_MISMATCH: gettext_lazy("派生数据与账本所载来源不符"),
    ROLE_UNGRANTED: gettext_lazy("操作人持有账本未授予的角色"),
}
_KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
MAX_PROBLEMS = 1000  # kept in the report; the total is always counted


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    seq: int | None
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    def sort_key(self) -> tuple:
        return (self.seq is None, self.seq or 0, _KIND_ORDER[self.kind])

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "seq": self.seq,
            "message": self.message,
            "detail": self.detail,
        }


@dataclass
class Report:
    origin: str
    hash: str
    tree_size: int = 0
    entries_checked: int = 0
    nodes_checked: int = 0
    checkpoints_checked: int = 0
    objects_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    elapsed_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    @property
    def first_broken_seq(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def kinds(self) -> set[str]:
        return {p.kind for p in self.problems}

    def of_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def as_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok,
            "origin": self.origin,
            "hash": self.hash,
            "tree_size": self.tree_size,
            "entries_checked": self.entries_checked,
            "nodes_checked": self.nodes_checked,
            "checkpoints_checked": self.checkpoints_checked,
            "objects_checked": self.objects_checked,
            "first_broken_seq": self.first_broken_seq,
            "first_break": first.as_dict() if first else None,
            "problems_total": self.problems_total,
            "problems": [p.as_dict() for p in self.problems],
            "elapsed_seconds": round(self.elapsed_seconds, 3),
        }

    def text(self) -> str:
        lines = [
            _("账本校验：来源 %(origin)s，哈希算法 %(hash)s，日志共 %(size)s 条记录。")
            % {"origin": self.origin, "hash": self.hash, "size": self.tree_size},
            _(
                "已核对：记录 %(entries)s 条，树节点 %(nodes)s 个，检查点 %(cps)s 个，"
                "业务对象 %(objects)s 个，用时 %(secs).1f 秒。"
            )
            % {
                "entries": self.entries_checked,
                "nodes": self.nodes_checked,
                "cps": self.checkpoints_checked,
                "objects": self.objects_checked,
                "secs": self.elapsed_seconds,
            },
        ]
        if self.ok:
            lines.append(_("结论：全部一致，未发现篡改。"))
            return "\n".join(lines) + "\n"
        first = self.first
        assert first is not None
        if self.first_broken_seq is not None:
            lines.append(
                _("结论：发现 %(n)s 处问题；最早出问题的序号为 #%(seq)s（%(kind)s）。")
                % {"n": self.problems_total, "seq": self.first_broken_seq, "kind": first.label}
            )
        else:
            lines.append(
                _("结论：发现 %(n)s 处问题（%(kind)s）。")
                % {"n": self.problems_total, "kind": first.label}
            )
        lines.append(_("问题清单："))
        for problem in self.problems:
            where = f"#{problem.seq}" if problem.seq is not None else "—"
            lines.append(f"  {where} [{problem.label} {problem.kind}] {problem.message}")
        if self.problems_total > len(self.problems):
            lines.append(
                _("  ……另有 %(n)s 处问题未列出。") % {"n": self.problems_total - len(self.problems)}
            )
        return "\n".join(lines) + "\n"


class ProblemLog:
    """Collects problems up to a cap, counting all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0

    def add(self, kind: str, seq: int | None, message: str, **detail: Any) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(kind, seq, message, detail))

    def extend(self, items: Iterable[Problem], total: int) -> None:
        self.total += total
        room = MAX_PROBLEMS - len(self.items)
        self.items.extend(list(items)[: max(room, 0)])
