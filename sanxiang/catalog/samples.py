"""Loading the shipped sample catalogs (marked 示例) through the same import and approval services
an agency uses for its real ones. Used by the demo data and by tests.

The files in ``sanxiang/catalog/data/`` are illustrative only: every article text and entry is
marked 示例 and must be replaced by the agency's own catalogs (export, edit, import).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from sanxiang.org.models import Agency, Staff

from . import services
from .kinds import LOAD_ORDER, spec_for
from .models import CatalogVersion

DATA_DIR = Path(__file__).resolve().parent / "data"


def sample_file(kind: str) -> Path:
    return DATA_DIR / spec_for(kind).sample_file


def publish_through_workflow(
    *, version: CatalogVersion, editor: Staff, reviewer: Staff, head: Staff
) -> CatalogVersion:
    version = services.catalog_version_submit(actor=editor, version=version)
    version = services.catalog_version_review(actor=reviewer, version=version)
    return services.catalog_version_approve(actor=head, version=version)


def load_sample_catalog(
    *,
    kind: str,
    agency: Agency,
    editor: Staff,
    reviewer: Staff,
    head: Staff,
    effective_from: datetime.date,
    title: str = "",
) -> CatalogVersion:
    """Import the sample file of ``kind`` into a new version and take it through approval."""
    spec = spec_for(kind)
    path = sample_file(kind)
    version = services.catalog_version_create(
        actor=editor,
        agency=agency,
        kind=kind,
        effective_from=effective_from,
        title=title or f"{spec.label}（示例）",
        change_note="演示用示例数据，须由本单位替换为正式内容。",
        is_sample=True,
    )
    services.catalog_import(
        actor=editor, version=version, content=path.read_bytes(), filename=path.name
    )
    return publish_through_workflow(version=version, editor=editor, reviewer=reviewer, head=head)


def load_sample_catalogs(
    *,
    agency: Agency,
    editor: Staff,
    reviewer: Staff,
    head: Staff,
    effective_from: datetime.date,
    kinds: tuple[str, ...] = LOAD_ORDER,
) -> dict[str, CatalogVersion]:
    """Every sample catalog, in the order that lets later ones cite earlier ones."""
    return {
        kind: load_sample_catalog(
            kind=kind,
            agency=agency,
            editor=editor,
            reviewer=reviewer,
            head=head,
            effective_from=effective_from,
        )
        for kind in kinds
    }


def _member(agency: Agency, role: str) -> Staff:
    return agency.staff.filter(role_grants__role=role, is_active=True).order_by("username").first()


def load_demo_catalogs(*, province: Agency, today: datetime.date) -> None:
    """The demo province's catalogs: every sample published by the provincial bureau, a second
    version of the power list (so the public history has two dated versions), and one
    sub-bureau's own major-decision catalog that adds an item and tightens a threshold."""
    from .kinds import LOAD_ORDER
    from .models import CatalogKind

    editor = _member(province, "system_admin")
    reviewer = _member(province, "legal_reviewer")
    head = _member(province, "head")
    load_sample_catalogs(
        agency=province,
        editor=editor,
        reviewer=reviewer,
        head=head,
        effective_from=today.replace(month=1, day=1),
        kinds=LOAD_ORDER,
    )
    if today.replace(month=1, day=1) < today:
        revision = services.catalog_version_create(
            actor=editor,
            agency=province,
            kind=CatalogKind.POWER_LIST,
            effective_from=today,
            title=f"{today.year}年修订（示例）",
            change_note="增列“特种作业人员未持证上岗的处罚”（示例）。",
            is_sample=True,
        )
        services.catalog_item_save(
            actor=editor,
            version=revision,
            entity="power_item",
            values={
                "code": "CF-004",
                "name": "对特种作业人员未持证上岗的处罚（示例）",
                "category": "行政处罚",
                "legal_basis": "《中华人民共和国安全生产法》第三十条；《中华人民共和国安全生产法》第九十七条",
                "responsible_levels": "省级局、监察分局",
                "procedure": "行政处罚程序",
                "note": "示例",
            },
        )
        publish_through_workflow(version=revision, editor=editor, reviewer=reviewer, head=head)
    east = province.children.order_by("pk").first()
    if east is None:
        return
    editor, reviewer, head = (
        _member(east, "publicity_editor"),
        _member(east, "legal_reviewer"),
        _member(east, "head"),
    )
    own = services.catalog_version_create(
        actor=editor,
        agency=east,
        kind=CatalogKind.MAJOR_DECISION,
        effective_from=today,
        title=f"{east.short_name}分局目录清单（示例）",
        change_note="对煤矿罚款门槛从严为3万元；增列“涉及重大社会影响的”（示例）。",
        is_sample=True,
    )
    mine_fine = own.major_items.get(code="SH2-02M")
    services.catalog_item_save(
        actor=editor,
        version=own,
        entity="major_item",
        item=mine_fine,
        values={
            "code": "SH2-02M",
            "title": "对煤矿罚款3万元以上（本单位从严，示例）",
            "rule": "fine_mine",
            "threshold": "30000",
            "note": "法定门槛5万元，本单位从严",
        },
    )
    services.catalog_item_save(
        actor=editor,
        version=own,
        entity="major_item",
        values={
            "code": f"{east.short_name}-01",
            "title": "涉及重大社会影响或者群体性事件的（示例）",
            "rule": "circumstance",
            "circumstance": "social_impact",
            "note": "本单位增列（示例）",
        },
    )
    publish_through_workflow(version=own, editor=editor, reviewer=reviewer, head=head)
