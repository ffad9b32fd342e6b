"""The report of one 四性检测 run (DA/T 70-2018): what was checked, what failed, and why.

The report is a plain value: the archive stores it as JSON beside the run's ledger entry, the
unit page renders it with ``archive/check_report.html`` and the plain text goes into logs and
the transfer package. Every finding names the item as a record keeper does ("第3件 行政处罚
决定书（X煤安罚〔2026〕5号）") and says in Chinese what exactly is wrong, so a person can act
on it without reading code; ``code`` is the machine-readable reason that tests and callers use.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxiang.archive.spec import UnitItem

SECTIONS = (
    ("authenticity", _("真实性")),
    ("integrity", _("完整性")),
    ("usability", _("可用性")),
    ("security", _("安全性")),
)

WHEN_LABELS = {
    "filing": _("归档"),
    "export": _("移交"),
    "periodic": _("定期检测"),
}

UNIT = "unit"  # a finding about the unit as a whole (metadata, requirements, numbering)
VOLUME = "volume"  # a finding about the volume PDF


def _readable_time(text: str) -> str:
    """An ISO date-time as local "2026-12-07 15:04"; "—" when there is none."""
    if not text:
        return "—"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def item_label(item: UnitItem) -> str:
    """The item as people name it: 第3件 行政处罚决定书（X煤安罚〔2026〕5号）."""
    label = f"第{item.seq}件 {item.title}"
    return f"{label}（{item.doc_number}）" if item.doc_number else label


def volume_label() -> str:
    return str(_("案卷PDF（卷内文件汇编）"))


@dataclass
class Finding:
    """One statement of the check: ``ok`` or not, about ``item``, in words."""

    ok: bool
    item: str  # in people's words; "案卷" for the unit as a whole
    message: str  # Chinese, naming exactly what was found
    code: str = ""  # machine-readable reason ("digest_mismatch", "virus", …), never shown
    ref: str = ""  # "seq:3", "volume" or "unit": which part of the unit the finding is about


@dataclass
class Facts:
    """What the run relied on, so that a reader can judge the result later."""

    checked_at: str = ""  # ISO 8601
    when: str = "filing"
    duration_seconds: float = 0.0
    files_checked: int = 0
    bytes_hashed: int = 0
    ledger_hash: str = ""
    checkpoint_size: int | None = None
    checkpoint_signed_now: bool = False
    checkpoint_note: str = ""
    clamav_engine: str = ""
    clamav_database: str = ""  # version(s) in words: "daily 27123, main 62" or the test db
    clamav_database_date: str = ""  # ISO date-time of the newest signature container, if any
    clamav_database_dir: str = ""
    clamav_test_database: bool = False
    clamav_via: str = ""  # "clamscan" or "clamd"

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs in Chinese for the page and the plain text."""
        when = str(WHEN_LABELS.get(self.when, self.when))
        checkpoint = "—"
        if self.checkpoint_size is not None:
            checkpoint = str(_("树大小 %(size)s") % {"size": self.checkpoint_size})
            if self.checkpoint_signed_now:
                checkpoint += str(_("（本次检测前新签署）"))
        database = self.clamav_database or "—"
        if self.clamav_test_database:
            database += str(_("（项目自带测试特征库，仅含EICAR测试签名）"))
        return [
            (str(_("检测时间")), _readable_time(self.checked_at)),
            (str(_("检测环节")), when),
            (str(_("检测文件数")), str(self.files_checked)),
            (str(_("账本哈希算法")), self.ledger_hash.upper() or "—"),
            (str(_("所依据的签名检查点")), checkpoint),
            (str(_("病毒扫描引擎")), self.clamav_engine or "—"),
            (str(_("病毒特征库")), database),
            (str(_("特征库日期")), _readable_time(self.clamav_database_date)),
            (str(_("用时")), str(_("%(s).1f 秒") % {"s": self.duration_seconds})),
        ]


@dataclass
class CheckReport:
    """四性检测 result: passed only when no finding of any section failed."""

    passed: bool
    unit_id: int
    authenticity: list[Finding] = field(default_factory=list)
    integrity: list[Finding] = field(default_factory=list)
    usability: list[Finding] = field(default_factory=list)
    security: list[Finding] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    # Inclusion evidence per original ("seq:3", "volume"), as ``inclusion_evidence`` gives it
    # without the checkpoint note (kept once in ``facts``): the BagIt export can reuse it.
    proofs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, str, list[Finding]]]:
        return [(key, str(label), getattr(self, key)) for key, label in SECTIONS]

    @property
    def section_rows(self) -> list[dict[str, Any]]:
        """The sections for templates: label, findings, whether all passed."""
        return [
            {"label": label, "findings": findings, "passed": all(f.ok for f in findings)}
            for _key, label, findings in self.sections()
        ]

    def failures(self) -> list[Finding]:
        return [f for _key, _label, findings in self.sections() for f in findings if not f.ok]

    def section_passed(self, key: str) -> bool:
        return all(f.ok for f in getattr(self, key))

    # --- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckReport:
        sections = {key: [Finding(**f) for f in data.get(key, [])] for key, _label in SECTIONS}
        return cls(
            passed=bool(data["passed"]),
            unit_id=int(data["unit_id"]),
            facts=Facts(**data.get("facts", {})),
            proofs=dict(data.get("proofs", {})),
            **sections,
        )

    @classmethod
    def from_json(cls, text: str) -> CheckReport:
        return cls.from_dict(json.loads(text))

    # --- reading ---------------------------------------------------------------------------

    def as_text(self) -> str:
        """The report as plain text, one finding a line (logs, packages, the command line)."""
        verdict = _("通过") if self.passed else _("未通过")
        lines = [str(_("四性检测结果：%(v)s") % {"v": verdict})]
        for label, value in self.facts.rows():
            lines.append(f"  {label}：{value}")
        for _key, label, findings in self.sections():
            state = _("通过") if all(f.ok for f in findings) else _("未通过")
            lines.append(f"{label}（{state}）")
            for finding in findings:
                mark = "✓" if finding.ok else "✗"
                lines.append(f"  {mark} {finding.item}：{finding.message}")
        return "\n".join(lines) + "\n"
