"""GS-PRE-1: the Django side of the verifiable double-random draw.

The seed's commitment is in the ledger (and public) before the draw; the published inputs
re-run to the same selection with the standalone algorithm; changed inputs give another
result; excluded inspectors — declared relations, last inspection, manual — are never drawn.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sanxiang.inspections import draw as algorithm
from sanxiang.inspections import services
from sanxiang.inspections.models import DrawExclusion, RelationKind
from sanxiang.inspections.workflow import DrawStatus
from sanxiang.ledger.models import LedgerEntry
from sanxiang.testing import factories


@pytest.fixture
def bureau(province, catalogs):
    """Sub-bureau A with 8 certified officers, one without a valid certificate, 40 mines."""
    sub = province["a"]
    officers = [factories.officer(agency=sub) for _ in range(8)]
    uncertified = factories.officer(agency=sub, certified=False)
    mines = [factories.mine(agency=sub, is_key=(n % 4 == 0)) for n in range(40)]
    head = factories.head(agency=sub)
    today = timezone.localdate()
    plan = services.enforcement_plan_create(
        actor=head,
        agency=sub,
        kind="annual",
        year=today.year,
        title=f"{today.year}年度监察执法计划（测试）",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    plan = services.enforcement_plan_approve(actor=head, plan=plan, opinion="同意。")
    return {
        "agency": sub,
        "officers": officers,
        "uncertified": uncertified,
        "mines": mines,
        "head": head,
        "plan": plan,
    }


def new_draw(bureau, **overrides):
    values = {
        "actor": bureau["officers"][0],
        "enforcement_plan": bureau["plan"],
        "title": "第一季度双随机抽查（测试）",
        "item_codes": ["SJ-001", "SJ-003"],
    }
    values.update(overrides)
    return services.draw_create(**values)


def test_shares_default_to_the_items_and_can_only_be_raised(bureau):
    draw = new_draw(bureau)
    assert (draw.share_key, draw.share_general) == (Decimal("10.00"), Decimal("5.00"))
    with pytest.raises(ValidationError) as exc:
        new_draw(bureau, share_general="2", share_key="4")
    assert {"share_key", "share_general"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        new_draw(bureau, share_general="30", share_key="20")
    assert "不能低于一般煤矿" in exc.value.message_dict["share_key"][0]
    with pytest.raises(ValidationError) as exc:
        new_draw(bureau, item_codes=["NO-SUCH"])
    assert "NO-SUCH" in exc.value.message_dict["item_codes"][0]


def test_commitment_is_in_the_ledger_before_the_draw_and_reruns_from_published_inputs(bureau):
    draw = services.draw_commit(actor=bureau["officers"][0], draw=new_draw(bureau))
    commit = LedgerEntry.objects.get(action="draw.commit", object_id=str(draw.pk))
    assert json.loads(commit.body)["details"]["commitment"] == draw.commitment
    assert "seed" not in services.published_inputs(draw)  # not revealed before the draw
    # Only officers with a certificate valid today are in the inspector directory.
    assert bureau["uncertified"].pk not in {i["id"] for i in draw.inputs["inspectors"]}

    draw = services.draw_run(actor=bureau["officers"][1], draw=draw)
    run = LedgerEntry.objects.get(action="draw.run", object_id=str(draw.pk))
    assert commit.seq < run.seq
    assert algorithm.commitment(bytes.fromhex(json.loads(run.body)["details"]["seed"])) == (
        draw.commitment
    )
    published = json.loads(json.dumps(services.published_inputs(draw)))  # as downloaded
    rerun = algorithm.draw_from_published(published)
    assert rerun.mines == draw.result["mines"]
    assert {str(k): v for k, v in rerun.assignments.items()} == draw.result["assignments"]
    # 10 key mines × 10% → 1, 30 general × 5% → 2 (rounded up per stratum)
    assert len(draw.result["mines"]) == 3
    tasks = list(draw.tasks.order_by("position"))
    assert [t.mine_id for t in tasks] == draw.result["mines"]
    assert all(t.inspectors.count() == 2 for t in tasks)

    changed_seed = dict(published, seed=("00" * 32))
    changed_seed["commitment"] = algorithm.commitment(bytes(32))
    other = algorithm.draw_from_published(changed_seed)
    assert (other.mines, other.assignments) != (rerun.mines, rerun.assignments)
    first = rerun.mines[0]  # a list without a drawn mine cannot give the same selection
    changed_list = dict(published, mines=[m for m in published["mines"] if m["id"] != first])
    assert algorithm.draw_from_published(changed_list).mines != rerun.mines
    with pytest.raises(ValueError):
        algorithm.draw_from_published(dict(published, seed="11" * 32))


def test_excluded_inspectors_are_never_drawn_for_that_mine(bureau):
    officers, mines = bureau["officers"], bureau["mines"]
    # Declared relation, and the last on-site inspection of a mine, exclude automatically.
    services.conflict_declare(
        actor=officers[2],
        officer=officers[2],
        mine=mines[0],
        kind=RelationKind.KINSHIP,
        reason="配偶在该矿任安全副矿长",
    )
    plan = factories.inspection_plan(officers=officers[3:5], mine=mines[1], head=bureau["head"])
    factories.inspection(plan=plan)
    draw = new_draw(bureau, share_key="100", share_general="100", inspectors_per_mine=7)
    services.draw_exclusion_add(
        actor=officers[0],
        draw=draw,
        mine=mines[2],
        inspector=officers[5],
        kind=RelationKind.OTHER,
        reason="曾参与该矿改扩建项目评审",
    )
    draw = services.draw_commit(actor=officers[0], draw=draw)
    kinds = {(e.mine_id, e.inspector_id): e.kind for e in DrawExclusion.objects.filter(draw=draw)}
    assert kinds[(mines[0].pk, officers[2].pk)] == RelationKind.KINSHIP
    assert kinds[(mines[1].pk, officers[3].pk)] == RelationKind.LAST_INSPECTION
    assert kinds[(mines[1].pk, officers[4].pk)] == RelationKind.LAST_INSPECTION
    assert kinds[(mines[2].pk, officers[5].pk)] == RelationKind.OTHER
    assert all(e["reason"] for e in draw.inputs["exclusions"])
    draw = services.draw_run(actor=officers[0], draw=draw)
    assignments = {int(k): set(v) for k, v in draw.result["assignments"].items()}
    assert len(assignments) == 40  # every mine drawn at 100%
    for mine, inspector in kinds:
        assert inspector not in assignments[mine]
    # 7 per mine from 8 inspectors: only the excluded one is left out where there is one.
    assert assignments[mines[0].pk] == {o.pk for o in officers} - {officers[2].pk}


def test_steps_in_order_and_publication_by_the_head(bureau):
    officer, head = bureau["officers"][0], bureau["head"]
    draw = new_draw(bureau)
    with pytest.raises(ValidationError):
        services.draw_run(actor=officer, draw=draw)
    draw = services.draw_commit(actor=officer, draw=draw)
    with pytest.raises(ValidationError):
        services.draw_commit(actor=officer, draw=draw)
    with pytest.raises(ValidationError):
        services.draw_exclusion_add(
            actor=officer,
            draw=draw,
            mine=bureau["mines"][0],
            inspector=bureau["officers"][1],
            kind="other",
            reason="太晚了",
        )
    draw = services.draw_run(actor=officer, draw=draw)
    with pytest.raises(PermissionDenied):
        services.draw_publish(actor=officer, draw=draw)
    draw = services.draw_publish(actor=head, draw=draw)
    assert draw.status == DrawStatus.PUBLISHED


def test_public_pages_show_the_commitment_first_and_the_result_after_publication(bureau):
    officer = bureau["officers"][0]
    draw = services.draw_commit(actor=officer, draw=new_draw(bureau))
    client = Client()
    page = client.get(f"/public/draws/{draw.pk}/").content.decode()
    assert draw.commitment in page and draw.seed_hex not in page
    assert client.get(f"/public/draws/{draw.pk}.json").json() == {
        "commitment": draw.commitment,
        "status": "committed",
    }
    assert draw.commitment in client.get("/public/draws/").content.decode()
    draw = services.draw_run(actor=officer, draw=draw)
    assert draw.seed_hex not in client.get(f"/public/draws/{draw.pk}/").content.decode()
    draw = services.draw_publish(actor=bureau["head"], draw=draw)
    page = client.get(f"/public/draws/{draw.pk}/").content.decode()
    assert draw.seed_hex in page
    published = client.get(f"/public/draws/{draw.pk}.json").json()
    assert algorithm.draw_from_published(published).mines == draw.result["mines"]


def test_inspection_plan_from_a_drawn_task_keeps_the_drawn_mine_and_inspectors(bureau):
    officer = bureau["officers"][0]
    draw = services.draw_run(
        actor=officer, draw=services.draw_commit(actor=officer, draw=new_draw(bureau))
    )
    task = draw.tasks.order_by("position").first()
    drawn = list(task.inspectors.all())
    today = timezone.localdate()
    values = {
        "agency": bureau["agency"],
        "mine": task.mine,
        "item_codes": ["SJ-001"],
        "content": "按抽查事项检查。",
        "planned_start": today,
        "planned_end": today + datetime.timedelta(days=5),
        "draw_task": task,
    }
    others = [o for o in bureau["officers"] if o not in drawn][:2]
    with pytest.raises(ValidationError) as exc:
        services.inspection_plan_create(actor=drawn[0], officers=[*others, drawn[0]], **values)
    assert "随机抽取确定" in exc.value.message_dict["officers"][0]
    plan = services.inspection_plan_create(actor=drawn[0], officers=drawn, **values)
    assert plan.enforcement_plan == bureau["plan"]


def test_the_public_can_download_the_program_and_rerun_a_published_draw(bureau, tmp_path):
    import subprocess
    import sys

    officer = bureau["officers"][0]
    draw = services.draw_run(
        actor=officer, draw=services.draw_commit(actor=officer, draw=new_draw(bureau))
    )
    draw = services.draw_publish(actor=bureau["head"], draw=draw)
    client = Client()
    program = tmp_path / "draw.py"
    program.write_bytes(client.get("/public/draws/draw.py").content)
    inputs = tmp_path / "draw.json"
    inputs.write_bytes(client.get(f"/public/draws/{draw.pk}.json").content)
    completed = subprocess.run(
        [sys.executable, "-I", str(program), str(inputs), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(completed.stdout)["mines"] == draw.result["mines"]
