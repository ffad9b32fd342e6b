"""Catalog versions and their approval workflow (GS-REQ-2, GS-PRE-3), and the rules read from catalogs."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanxiang.catalog import selectors, services
from sanxiang.catalog.legalrefs import Citation
from sanxiang.catalog.major import DecisionFacts, MeasureKind, PartyKind, classify
from sanxiang.catalog.models import CatalogKind, MajorDecisionItem, PowerItem
from sanxiang.catalog.samples import publish_through_workflow
from sanxiang.catalog.workflow import TRANSITIONS, VersionStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories

TODAY = timezone.localdate()


def new_power_version(team, agency, **kw):
    return services.catalog_version_create(
        actor=team["editor"],
        agency=agency,
        kind=CatalogKind.POWER_LIST,
        effective_from=kw.pop("effective_from", TODAY),
        title=kw.pop("title", "2026年修订"),
        **kw,
    )


def add_power_item(team, version, code="CF-900", name="新增示例事项"):
    return services.catalog_item_save(
        actor=team["editor"],
        version=version,
        entity="power_item",
        values={
            "code": code,
            "name": name,
            "category": "行政处罚",
            "legal_basis": "《安全生产法》第102条",
            "responsible_levels": "监察分局",
            "procedure": "penalty",
        },
    )


def test_workflow_table_is_complete():
    """GS-REQ-2: review by a legal reviewer, then the head's approval, then publication."""
    path = [(t.source, t.action, t.target) for t in TRANSITIONS if t.action != "return"]
    assert ("draft", "submit", "submitted") in path
    assert ("submitted", "review", "reviewed") in path
    assert ("reviewed", "approve", "approved") in path
    assert ("approved", "publish", "published") in path
    assert not [t for t in TRANSITIONS if t.source == VersionStatus.PUBLISHED]


def test_new_version_copies_current_items_and_goes_through_every_step(samples, team, province):
    provincial = province["provincial"]
    version = new_power_version(team, provincial)
    assert version.number == 2 and version.based_on == samples[CatalogKind.POWER_LIST]
    assert version.power_items.count() == samples[CatalogKind.POWER_LIST].power_items.count()
    item = add_power_item(team, version)
    assert item.legal_basis == "《安全生产法》第一百零二条"  # standard wording
    services.catalog_version_submit(actor=team["editor"], version=version)
    with pytest.raises(ValidationError, match="不能执行该操作"):
        services.catalog_version_approve(actor=team["head"], version=version)  # review first
    with pytest.raises(PermissionDenied):
        services.catalog_version_review(actor=team["head"], version=version)
    services.catalog_version_review(actor=team["reviewer"], version=version)
    with pytest.raises(PermissionDenied):
        services.catalog_version_approve(actor=team["reviewer"], version=version)
    version = services.catalog_version_approve(actor=team["head"], version=version)
    assert version.status == VersionStatus.PUBLISHED and version.published_at
    actions = list(
        LedgerEntry.objects.filter(object_type="catalog.catalogversion", object_id=str(version.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "catalog.create",
        "catalog.item_add",
        "catalog.submit",
        "catalog.review",
        "catalog.approve",
        "catalog.publish",
    ]
    assert selectors.applicable_version(agency=provincial, kind=CatalogKind.POWER_LIST) == version
    history = selectors.version_history(agency=provincial, kind=CatalogKind.POWER_LIST)
    assert [v.number for v in history] == [2, 1]
    assert history[1].effective_to == TODAY - datetime.timedelta(days=1)


def test_reviewer_cannot_review_own_submission(samples, province):
    agency = province["provincial"]
    reviewer = factories.staff(agency=agency, roles=["legal_reviewer"])
    team = {"editor": reviewer}
    version = new_power_version(team, agency)
    services.catalog_version_submit(actor=reviewer, version=version)
    with pytest.raises(PermissionDenied, match="不能审核自己提交的版本"):
        services.catalog_version_review(actor=reviewer, version=version)


def test_return_needs_a_reason_and_reopens_the_draft(samples, team, province):
    version = new_power_version(team, province["provincial"])
    services.catalog_version_submit(actor=team["editor"], version=version)
    with pytest.raises(ValidationError) as exc:
        services.catalog_version_return(actor=team["reviewer"], version=version, reason=" ")
    assert exc.value.message_dict == {"reason": ["请说明理由。"]}
    version = services.catalog_version_return(
        actor=team["reviewer"], version=version, reason="设定依据引用有误"
    )
    assert version.status == VersionStatus.DRAFT and version.return_reason == "设定依据引用有误"
    add_power_item(team, version)  # editable again


def test_published_version_is_never_edited(samples, team):
    published = samples[CatalogKind.POWER_LIST]
    with pytest.raises(ValidationError, match="已公布的版本只能通过新建版本修订"):
        add_power_item(team, published)
    item = published.power_items.first()
    with pytest.raises(ValidationError):
        services.catalog_item_delete(
            actor=team["editor"], version=published, entity="power_item", item=item
        )
    with pytest.raises(ValidationError):
        services.catalog_version_update(actor=team["editor"], version=published, title="改")


def test_one_open_version_and_effective_dates_move_forward(samples, team, province):
    agency = province["provincial"]
    new_power_version(team, agency)
    with pytest.raises(ValidationError) as exc:
        new_power_version(team, agency)
    assert "正在办理的第2版" in exc.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as exc:
        services.catalog_version_create(
            actor=team["editor"],
            agency=agency,
            kind=CatalogKind.REMEDY,
            effective_from=datetime.date(2025, 1, 1),
            title="与现行版本同日",
        )
    assert (
        "生效日期应晚于现行第1版的生效日期（2025-01-01）"
        in exc.value.message_dict["effective_from"][0]
    )


def test_retroactive_change_of_a_published_catalog_is_refused(samples, team, province):
    version = new_power_version(
        team, province["provincial"], effective_from=TODAY - datetime.timedelta(days=3)
    )
    services.catalog_version_submit(actor=team["editor"], version=version)
    services.catalog_version_review(actor=team["reviewer"], version=version)
    with pytest.raises(ValidationError) as exc:
        services.catalog_version_approve(actor=team["head"], version=version)
    assert "不能早于批准之日" in exc.value.message_dict["effective_from"][0]


def test_future_version_waits_until_its_effective_date(samples, team, province):
    agency = province["provincial"]
    later = TODAY + datetime.timedelta(days=10)
    version = new_power_version(team, agency, effective_from=later)
    add_power_item(team, version)
    version = publish_through_workflow(version=version, **team)
    assert version.status == VersionStatus.APPROVED
    assert selectors.applicable_version(agency=agency, kind=CatalogKind.POWER_LIST).number == 1
    with pytest.raises(ValidationError, match="尚未到生效日期"):
        services.catalog_version_publish(actor=team["head"], version=version)
    assert services.catalog_publish_due(today=TODAY) == []
    (published,) = services.catalog_publish_due(today=later)
    assert published.pk == version.pk and published.status == VersionStatus.PUBLISHED
    entry = LedgerEntry.objects.filter(action="catalog.publish", object_id=str(version.pk)).get()
    assert entry.actor_id is None  # published by the system on its date
    assert (
        selectors.applicable_version(agency=agency, kind=CatalogKind.POWER_LIST, on=later)
        == published
    )
    assert (
        selectors.applicable_version(agency=agency, kind=CatalogKind.POWER_LIST, on=TODAY).number
        == 1
    )


def test_content_changed_after_review_cannot_be_published(samples, team, province):
    version = new_power_version(
        team, province["provincial"], effective_from=TODAY + datetime.timedelta(days=1)
    )
    version = publish_through_workflow(version=version, **team)
    PowerItem.objects.filter(version=version).update(name="被绕过服务改动的名称")
    with pytest.raises(ValidationError, match="与提交审核时不一致"):
        services.catalog_version_publish(
            actor=None, version=version, today=TODAY + datetime.timedelta(days=1)
        )


def test_submit_checks_content(team, province):
    version = new_power_version(team, province["provincial"])
    with pytest.raises(ValidationError) as exc:
        services.catalog_version_submit(actor=team["editor"], version=version)
    assert "目录中没有任何条目。" in exc.value.messages


def test_unknown_legal_basis_in_a_form_is_a_field_error(samples, team, province):
    version = new_power_version(team, province["provincial"])
    with pytest.raises(ValidationError) as exc:
        services.catalog_item_save(
            actor=team["editor"],
            version=version,
            entity="power_item",
            values={
                "code": "X-1",
                "name": "引用未登记的法规",
                "category": "penalty",
                "legal_basis": "《不存在的条例》第一条；《安全生产法》第九百条",
                "responsible_levels": ["sub_bureau"],
                "procedure": "penalty",
            },
        )
    assert exc.value.message_dict["legal_basis"] == [
        "未找到执法依据《不存在的条例》：请先在本单位适用的执法依据目录中登记并公布。",
        "执法依据《安全生产法》中没有第九百条。",
    ]
    assert not PowerItem.objects.filter(code="X-1").exists()


def test_editing_needs_editor_role_and_scope(samples, province):
    officer = factories.officer(agency=province["provincial"])
    with pytest.raises(PermissionDenied):
        new_power_version({"editor": officer}, province["provincial"])
    other_editor = factories.staff(agency=province["b"], roles=["publicity_editor"])
    with pytest.raises(PermissionDenied):
        new_power_version({"editor": other_editor}, province["provincial"])


def test_sub_bureau_inherits_until_it_publishes_its_own(samples, province):
    sub = province["a"]
    inherited = selectors.applicable_version(agency=sub, kind=CatalogKind.POWER_LIST)
    assert inherited == samples[CatalogKind.POWER_LIST]
    assert (
        selectors.applicable_version(agency=province["national"], kind=CatalogKind.POWER_LIST)
        is None
    )


def test_unit_major_catalog_adds_and_tightens_but_never_loosens(samples, province):
    """SH-SCOPE-3: the sub-bureau's own catalog, built from the province's, checked item by item."""
    sub = province["a"]
    team = factories.catalog_team(agency=sub)
    version = services.catalog_version_create(
        actor=team["editor"],
        agency=sub,
        kind=CatalogKind.MAJOR_DECISION,
        effective_from=TODAY,
        title="甲分局目录",
    )
    codes = set(version.major_items.values_list("code", flat=True))
    assert {"SH2-01", "SH2-09", "HB-01"} <= codes  # statutory and the province's own item
    mine_item = version.major_items.get(code="SH2-02M")
    values = {
        "code": "SH2-02M",
        "title": "对煤矿罚款3万元以上（从严）",
        "rule": "fine_mine",
        "threshold": "30000",
    }
    services.catalog_item_save(
        actor=team["editor"], version=version, entity="major_item", values=values, item=mine_item
    )
    with pytest.raises(ValidationError) as exc:
        services.catalog_item_save(
            actor=team["editor"],
            version=version,
            entity="major_item",
            values=dict(values, threshold="60000"),
            item=version.major_items.get(code="SH2-02M"),
        )
    assert exc.value.message_dict["threshold"] == [
        "“SH2-02M 对煤矿罚款5万元以上”是法定审核事项，门槛只能降低（从严），不得高于法定的50,000元；您填写的是60,000元。"
    ]
    assert version.major_items.get(code="SH2-02M").threshold == Decimal("30000")
    with pytest.raises(ValidationError) as exc:
        services.catalog_item_delete(
            actor=team["editor"],
            version=version,
            entity="major_item",
            item=version.major_items.get(code="SH2-04"),
        )
    assert "不得删除" in exc.value.messages[0]
    assert version.major_items.filter(code="SH2-04").exists()
    services.catalog_item_save(
        actor=team["editor"],
        version=version,
        entity="major_item",
        values={
            "code": "JA-01",
            "title": "涉及重大社会影响的",
            "rule": "circumstance",
            "circumstance": "social_impact",
        },
    )
    publish_through_workflow(version=version, **team)
    items = selectors.major_items_for(agency=sub)
    facts = DecisionFacts(party_kind=PartyKind.MINE, fine_amount=Decimal("30000"))
    assert [m.code for m in classify(facts, items)] == ["SH2-02M"]
    assert (
        classify(facts, selectors.major_items_for(agency=province["b"])) == []
    )  # province's 50,000
    social = DecisionFacts(circumstances=frozenset({"social_impact"}))
    assert [m.code for m in classify(social, items)] == ["JA-01"]
    closure = DecisionFacts(measures=frozenset({MeasureKind.PROPOSE_CLOSURE}))
    assert [m.code for m in classify(closure, items)] == ["HB-01"]
    # The superior sees its subordinates' catalogs; a sibling does not.
    provincial_head = factories.staff(agency=province["provincial"], roles=["head"])
    assert version in selectors.subordinate_versions(
        user=provincial_head, kind=CatalogKind.MAJOR_DECISION
    )
    sibling = factories.staff(agency=province["b"], roles=["head"])
    assert version not in selectors.subordinate_versions(
        user=sibling, kind=CatalogKind.MAJOR_DECISION
    )


def test_major_catalog_defaults_to_statutory_items(province):
    items = selectors.major_items_for(agency=province["a"])
    assert [i.code for i in items][:3] == ["SH2-01", "SH2-02P", "SH2-02M"]
    team = factories.catalog_team(agency=province["a"])
    version = services.catalog_version_create(
        actor=team["editor"],
        agency=province["a"],
        kind=CatalogKind.MAJOR_DECISION,
        effective_from=TODAY,
        title="首版",
    )
    assert MajorDecisionItem.objects.filter(version=version).count() == 10


def test_compendium_search_with_two_chinese_characters(samples, province):
    """JL-TXT-3c: officers find the standard description by keyword."""
    found = selectors.compendium_search(agency=province["a"], q="瓦斯")
    assert [e.code for e in found] == ["WF-002"]
    assert found[0].violated_provision == "《煤矿安全规程》"
    assert [b.get_severity_display() for b in found[0].benchmarks.all()] == ["严重"]
    assert {e.code for e in selectors.compendium_search(agency=province["a"], q="培训")} == {
        "WF-001",
        "WF-003",
    }
    assert selectors.compendium_search(agency=province["a"], q="特种 持证").count() == 1
    assert selectors.compendium_search(agency=province["a"], q="没有这个词").count() == 0


def test_article_in_force_on_the_date_of_the_case(samples, province):
    """A case cites the revision in force on its date (安全生产法 2014 → 2021 revision)."""
    before = selectors.legal_article_in_force(
        agency=province["a"], citation=Citation("安全生产法", 99), on=datetime.date(2021, 8, 31)
    )
    after = selectors.legal_article_in_force(
        agency=province["a"],
        citation=Citation("中华人民共和国安全生产法", 97),
        on=datetime.date(2021, 9, 1),
    )
    assert before.basis.revision.startswith("2014") and after.basis.revision.startswith("2021")
    assert (
        selectors.legal_article_in_force(
            agency=province["a"], citation=Citation("安全生产法", 99), on=datetime.date(2025, 6, 1)
        )
        is None
    )  # the 2021 sample has no article 99
    assert before.text.startswith("【示例条文】")


def test_stage_rules_as_data(samples, province):
    """JL-TXT-3b: which documents and recordings each stage requires comes from the catalog."""
    rules = selectors.stage_requirements(agency=province["a"], stage="sealing_seizure")
    assert [r.document_code for r in rules["documents"]] == ["sealing_decision"]
    assert [r.get_obligation_display() for r in rules["recordings"]] == ["必须"]
    assert selectors.required_documents(agency=province["a"], stage="prior_notice") == [
        "penalty_notice"
    ]
    assert selectors.document_short_code(agency=province["a"], code="penalty_decision") == "罚"


def test_daily_publication_command_and_task(samples, team, province):
    from django.core.management import call_command

    from sanxiang.catalog.tasks import publish_due_catalogs

    version = new_power_version(
        team, province["provincial"], effective_from=TODAY + datetime.timedelta(days=1)
    )
    publish_through_workflow(version=version, **team)
    out = io.StringIO()
    call_command("catalog_publish_due", stdout=out)
    assert "共公布 0 个版本" in out.getvalue()
    assert publish_due_catalogs.enqueue().return_value == 0  # nothing due today
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
