"""完整性 (integrity): the unit holds everything it must, numbered without gaps, described fully.

* every document the procedure requires in a stage (``Requirement``) is present as a valid
  (not voided) item of that stage — matched by 题名, or by document type when both carry one;
* 件号 run 1…n without gaps or repeats; when the volume's page ranges are given, 页号 run on
  from page 1 without gaps or overlaps;
* no voided document sits in the unit;
* every original is in the store with the size and digests the unit records (recordings are
  referenced, never copied, so this is where a lost or replaced video shows up); a state-secret
  item is listed by its registration only (ADR 0128) — it has no file here, and that is right;
* the metadata DA/T 22 and GB/T 18894 require are filled: 题名, 责任者, 日期 per item;
  立卷单位, 年度, 保管期限 for the unit.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from sanxiang.archive.spec import ItemKind, Stage, UnitItem, UnitSpec

from .files import ReadFile
from .report import UNIT, Finding, item_label

UNIT_LABEL = "案卷"


def _matches(item: UnitItem, requirement) -> bool:
    type_code = getattr(item, "type_code", "")
    if requirement.type_code and type_code:
        return type_code == requirement.type_code
    return item.title == requirement.title


def _present(item: UnitItem) -> bool:
    """The original is here, or (a state secret) registered by reference with its digest."""
    if item.kind == ItemKind.CLASSIFIED:
        return bool(item.reference_digest)
    return item.file is not None


def _requirements(spec: UnitSpec) -> list[Finding]:
    findings = []
    for req in spec.requirements:
        stage = Stage.LABELS.get(req.stage, req.stage)
        candidates = [i for i in spec.items if i.stage == req.stage and _matches(i, req)]
        valid = [i for i in candidates if not i.voided and _present(i)]
        if valid:
            findings.append(
                Finding(
                    True,
                    UNIT_LABEL,
                    _("「%(stage)s」阶段应有的《%(title)s》在卷（%(item)s）")
                    % {"stage": stage, "title": req.title, "item": item_label(valid[0])},
                    "requirement_ok",
                    UNIT,
                )
            )
        elif candidates:
            findings.append(
                Finding(
                    False,
                    UNIT_LABEL,
                    _("「%(stage)s」阶段应有的《%(title)s》只有已作废或缺少原件的一份（%(item)s）")
                    % {"stage": stage, "title": req.title, "item": item_label(candidates[0])},
                    "requirement_missing",
                    UNIT,
                )
            )
        else:
            findings.append(
                Finding(
                    False,
                    UNIT_LABEL,
                    _("缺少「%(stage)s」阶段应有的文书《%(title)s》")
                    % {"stage": stage, "title": req.title},
                    "requirement_missing",
                    UNIT,
                )
            )
    return findings


def _numbers(spec: UnitSpec) -> list[Finding]:
    seqs = [item.seq for item in spec.items]
    counts = Counter(seqs)
    findings = []
    repeated = sorted(s for s, n in counts.items() if n > 1)
    if repeated:
        findings.append(
            Finding(
                False,
                UNIT_LABEL,
                _("件号重复：%(seqs)s") % {"seqs": "、".join(f"第{s}件" for s in repeated)},
                "seq_repeated",
                UNIT,
            )
        )
    top = max(seqs, default=0)
    missing = [s for s in range(1, top + 1) if s not in counts]
    if missing:
        findings.append(
            Finding(
                False,
                UNIT_LABEL,
                _("件号不连续：缺少%(seqs)s（共 %(n)s 件，件号应为 1 至 %(n)s）")
                % {"seqs": "、".join(f"第{s}件" for s in missing), "n": len(seqs)},
                "seq_gap",
                UNIT,
            )
        )
    bad = sorted(s for s in counts if s < 1)
    if bad:
        findings.append(
            Finding(
                False,
                UNIT_LABEL,
                _("件号应从 1 开始：出现了 %(seqs)s") % {"seqs": "、".join(map(str, bad))},
                "seq_gap",
                UNIT,
            )
        )
    if seqs != sorted(seqs):
        findings.append(
            Finding(False, UNIT_LABEL, _("卷内文件未按件号顺序排列"), "seq_order", UNIT)
        )
    if not findings:
        findings.append(
            Finding(
                True,
                UNIT_LABEL,
                _("件号连续：第1件至第%(n)s件") % {"n": top},
                "seq_ok",
                UNIT,
            )
        )
    return findings


def _pages(spec: UnitSpec, pages: dict[int, tuple[int, int]]) -> list[Finding]:
    """页号: each paged item in 件号 order starts on the page after the previous one ends."""
    findings = []
    expected = 1
    for item in sorted(spec.items, key=lambda i: i.seq):
        span = pages.get(item.seq)
        if span is None:
            if item.kind not in (ItemKind.RECORDING, ItemKind.CLASSIFIED):  # listed, not bound
                findings.append(
                    Finding(
                        False,
                        item_label(item),
                        _("卷内目录中没有页号"),
                        "page_missing",
                        f"seq:{item.seq}",
                    )
                )
            continue
        start, end = span
        if end < start:
            message = _("页号 %(a)s–%(b)s 起止颠倒") % {"a": start, "b": end}
        elif start != expected:
            message = _("页号不连续：应从第 %(e)s 页起，实为第 %(a)s 页") % {
                "e": expected,
                "a": start,
            }
        else:
            message = ""
        if message:
            findings.append(
                Finding(False, item_label(item), message, "page_gap", f"seq:{item.seq}")
            )
        expected = max(end, start) + 1
    if not findings:
        findings.append(
            Finding(
                True,
                UNIT_LABEL,
                _("页号连续：第1页至第%(n)s页") % {"n": expected - 1},
                "pages_ok",
                UNIT,
            )
        )
    return findings


def _items(spec: UnitSpec, read: dict[str, ReadFile]) -> list[Finding]:
    findings = []
    for item in spec.items:
        label, ref = item_label(item), f"seq:{item.seq}"
        if item.voided:
            findings.append(
                Finding(False, label, _("该文书已作废，不能作为有效文件归档"), "voided", ref)
            )
        missing = [
            name
            for name, value in ((_("题名"), item.title), (_("责任者"), item.responsible))
            if not (value or "").strip()
        ]
        if item.date is None:
            missing.append(_("日期"))
        if missing:
            findings.append(
                Finding(
                    False,
                    label,
                    _("著录项目不全：缺少%(f)s") % {"f": "、".join(missing)},
                    "metadata_missing",
                    ref,
                )
            )
        if item.kind == ItemKind.CLASSIFIED and item.file is None:
            if item.reference_digest and item.doc_number:
                findings.append(
                    Finding(
                        True,
                        label,
                        _("涉密件按登记引用归档（登记编号%(n)s），原件不在本系统，摘要已登记")
                        % {"n": item.doc_number},
                        "classified_ok",
                        ref,
                    )
                )
            else:
                findings.append(
                    Finding(
                        False,
                        label,
                        _("涉密件登记缺少登记编号或摘要值"),
                        "classified_incomplete",
                        ref,
                    )
                )
            continue
        if item.file is None:
            findings.append(Finding(False, label, _("缺少原件"), "file_missing", ref))
            continue
        target = read.get(ref)
        kind = _("音像记录") if item.kind == ItemKind.RECORDING else _("原件")
        if target is None or not target.readable:
            error = target.error if target else _("未读取")
            findings.append(
                Finding(
                    False,
                    label,
                    _("%(k)s不在存储中或无法读取（%(e)s）") % {"k": kind, "e": error},
                    "file_missing",
                    ref,
                )
            )
        elif (target.sha256, target.sm3, target.size) != (
            item.file.sha256.lower(),
            item.file.sm3.lower(),
            item.file.size,
        ):
            findings.append(
                Finding(
                    False,
                    label,
                    _("%(k)s存储内容与登记的摘要不一致（登记 SHA-256 %(a)s…，实际 %(b)s…）")
                    % {"k": kind, "a": item.file.sha256[:16], "b": target.sha256[:16]},
                    "file_changed",
                    ref,
                )
            )
        elif not item.voided and not missing:
            findings.append(
                Finding(
                    True,
                    label,
                    _("%(k)s在存储中，大小与摘要与登记一致") % {"k": kind},
                    "item_ok",
                    ref,
                )
            )
    return findings


def _unit_metadata(spec: UnitSpec) -> list[Finding]:
    fields = (
        (_("立卷单位"), spec.agency_name),
        (_("年度"), str(spec.year) if spec.year else ""),
        (_("保管期限"), spec.retention_label),
    )
    missing = [name for name, value in fields if not (value or "").strip()]
    if missing:
        return [
            Finding(
                False,
                UNIT_LABEL,
                _("案卷著录项目不全：缺少%(f)s") % {"f": "、".join(missing)},
                "metadata_missing",
                UNIT,
            )
        ]
    return [Finding(True, UNIT_LABEL, _("立卷单位、年度、保管期限已著录"), "metadata_ok", UNIT)]


def check(
    spec: UnitSpec, read: dict[str, ReadFile], pages: dict[int, tuple[int, int]] | None = None
) -> list[Finding]:
    findings = _unit_metadata(spec) + _requirements(spec) + _numbers(spec)
    if pages is not None:
        findings += _pages(spec, pages)
    return findings + _items(spec, read)
