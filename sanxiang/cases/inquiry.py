"""The 询问笔录's own data (ADR 0211): the person questioned and the questions and answers.

The national format (煤矿安全监察行政执法文书式样) puts the questioned person's identity
block at the head of the record, then the officers' statement of who they are with the
notice of the right to ask for recusal and his answer, then the questions and answers. The
identity block and the recusal answer are kept on the act (``CaseAct.questioned``); the
questions and answers are the act's text, written ``问：…`` / ``答：…``.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from .models import ActKind

# (key, label, max length, required)
QUESTIONED_FIELDS = (
    ("name", "姓名", 50, True),
    ("gender", "性别", 10, False),
    ("age", "年龄", 10, False),
    ("id_number", "身份证件号码", 30, False),
    ("work", "工作单位及职务", 200, False),
    ("address", "住址", 200, False),
    ("phone", "联系电话", 30, False),
    ("relation", "与本案关系", 100, False),
    ("recusal", "是否申请回避", 200, True),
)

_MARK = re.compile(r"(问|答)\s*[：:]")


def questioned_clean(
    kind: str, questioned: dict[str, Any] | None, errors: dict[str, list[str]]
) -> dict[str, str]:
    """The identity block of an inquiry, stripped and checked; ``{}`` for the other acts.
    Problems go into ``errors`` as ``questioned_<key>``."""
    if kind != ActKind.INQUIRY:
        return {}
    questioned = questioned if isinstance(questioned, dict) else {}
    out: dict[str, str] = {}
    for key, label, limit, required in QUESTIONED_FIELDS:
        value = questioned.get(key)
        value = value.strip() if isinstance(value, str) else ""
        if required and not value:
            errors.setdefault(f"questioned_{key}", []).append(
                _("询问笔录须写明被询问人的%(label)s。") % {"label": _(label)}
                if key != "recusal"
                else _("请记录被询问人对是否申请回避的回答。")
            )
        elif len(value) > limit:
            errors.setdefault(f"questioned_{key}", []).append(
                _("%(label)s不能超过%(n)d字。") % {"label": _(label), "n": limit}
            )
        out[key] = value[:limit]
    return out


def qa_blocks(text: str) -> list[dict[str, str]]:
    """``问：… 答：…`` → [{"q": …, "a": …}]; text before the first mark is a question-less
    note (``q`` empty), as records sometimes open with the circumstances."""
    parts = _MARK.split(text or "")
    blocks: list[dict[str, str]] = []
    head = parts[0].strip()
    if head:
        blocks.append({"q": "", "a": head})
    for mark, body in zip(parts[1::2], parts[2::2], strict=True):
        body = body.strip()
        if mark == "问" or not blocks or blocks[-1]["a"]:
            if mark == "问":
                blocks.append({"q": body, "a": ""})
                continue
            blocks.append({"q": "", "a": body})
        else:
            blocks[-1]["a"] = body
    return blocks
