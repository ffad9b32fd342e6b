"""Worlds for the step-up endpoint test (ADR 0220): the session-only operations past the
decision (additional fine, court enforcement, closing), the legal review's head acts, result
publication and catalog versions, each set up just before the act a head (or the review
office) must give a fresh second factor for. Built by the services from the shared factories,
outside any request, so setting up asks nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sanxiang.testing import factories


def _crew(province) -> dict:
    sub = province["a"]
    factories.enforcement_catalogs(agency=province["provincial"])
    return {
        "officers": [factories.officer(agency=sub), factories.officer(agency=sub)],
        "head": factories.head(agency=sub),
        "mine": factories.mine(agency=sub),
    }


def refreshed(world: dict, key: str):
    world[key].refresh_from_db()
    return world[key]


# --- after the decision: overdue payment, court enforcement, closing ---------------------------


def _overdue(province) -> dict:
    """A decision served 40 days ago and unpaid: the additional fine is proposed and cleared."""
    from sanxiang.cases import execution

    crew = _crew(province)
    officer = crew["officers"][0]
    case = factories.decided_case(officers=crew["officers"], head=crew["head"], mine=crew["mine"])
    served = timezone.localdate() - datetime.timedelta(days=40)
    case.decided_on = served  # (an old decision: set up outside the services, test only)
    case.save(update_fields=["decided_on"])
    execution.service_record(
        actor=officer, case=case, served_on=served, method="mail", recipient="张矿长"
    )
    case.refresh_from_db()
    proposal = execution.additional_fine_propose(actor=officer, case=case)
    factories.review_clearance(proposal=proposal)
    return {**crew, "actor": crew["head"], "case": case, "ids": {"case_id": case.pk}}


def additional_fine(province) -> dict:
    world = _overdue(province)
    return {**world, "status": world["case"].status}


def additional_fine_done(world) -> bool:
    return bool(refreshed(world, "case").additional_fine_total)


def court_enforcement(province) -> dict:
    """The additional fine imposed, the application to the court proposed and cleared."""
    from sanxiang.cases import execution

    world = _overdue(province)
    case = execution.additional_fine_impose(actor=world["head"], case=world["case"])
    proposal = execution.court_enforcement_propose(
        actor=world["officers"][0], case=case, court="测试市人民法院"
    )
    factories.review_clearance(proposal=proposal)
    case.refresh_from_db()
    return {**world, "case": case, "status": case.status}


def court_enforcement_done(world) -> bool:
    return refreshed(world, "case").status == "enforcement_applied"


def executed_case(province) -> dict:
    """A decision served and paid in full: the case waits for the head to close it."""
    from sanxiang.cases import execution

    crew = _crew(province)
    officer = crew["officers"][0]
    case = factories.decided_case(officers=crew["officers"], head=crew["head"], mine=crew["mine"])
    today = timezone.localdate()
    execution.service_record(
        actor=officer,
        case=case,
        served_on=today,
        method="direct",
        recipient="张矿长",
        officers=crew["officers"],
        **factories.shown_now(),
    )
    case.refresh_from_db()
    execution.payment_record(
        actor=officer, case=case, amount=str(case.outstanding), paid_on=today, reference="P-1"
    )
    case.refresh_from_db()
    assert case.status == "executed", case.status
    return {
        **crew,
        "actor": crew["head"],
        "case": case,
        "status": case.status,
        "ids": {"case_id": case.pk},
    }


def closed(world) -> bool:
    return refreshed(world, "case").status != world["status"]


# --- legal review: extension, collective decision, its registration ----------------------------


def review_received(province) -> dict:
    """A major case's review received by the reviewer of sub-bureau A (``review_world``'s
    setup, keeping the people)."""
    crew = _crew(province)
    sub = province["a"]
    case = factories.major_case(officers=crew["officers"], mine=crew["mine"], head=crew["head"])
    reviewer = factories.legal_reviewer(agency=sub)
    review = factories.review_submitted(case=case, officer=crew["officers"][0])
    factories.review_in_progress(review=review, reviewer=reviewer)
    review.refresh_from_db()
    return {
        **crew,
        "actor": crew["head"],
        "reviewer": reviewer,
        "case": case,
        "review": review,
        "status": review.status,
        "ids": {"review_id": review.pk},
    }


def review_extended(world) -> bool:
    return refreshed(world, "review").extensions.exists()


def review_contested(province) -> dict:
    """The reviewer's opinion contested by the officer: the heads decide collectively."""
    from sanxiang.review import disagreement, services

    world = review_received(province)
    review, reviewer = world["review"], world["reviewer"]
    factories.review_checklist(
        review=review, reviewer=reviewer, problems={"facts_evidence": "培训档案证据不充分。"}
    )
    services.opinion_issue(
        actor=reviewer,
        review=review,
        kind="investigate",
        reasons="主要事实证据不足。",
        proposed_change="补充调取培训档案原件。",
    )
    disagreement.opinion_contest(
        actor=world["officers"][0], review=review, reasons="复印件已由矿方盖章确认，证据充分。"
    )
    review.refresh_from_db()
    deputy = factories.head(agency=province["a"])
    return {**world, "deputy": deputy, "status": review.status}


def collective_body(world) -> dict:
    return {
        "held_on": timezone.localdate().isoformat(),
        "participant_ids": [world["head"].pk, world["deputy"].pk],
        "outcome": "proceed",
        "decision": "证据充分，按拟作出的决定作出行政处罚决定。",
        "minutes": "负责人甲：同意。负责人乙：同意。",
    }


def review_moved(world) -> bool:
    return refreshed(world, "review").status != world["status"]


# --- result publication --------------------------------------------------------------------------


def publication_pending(province) -> dict:
    """A penalty result on a mine typed in by the editor (the publicity tests' layout),
    confirmed and reviewed: the head's turn."""
    from sanxiang.publicity import services

    sub = province["a"]
    team = factories.publicity_team(agency=sub)
    mine = factories.mine(agency=sub)
    publication = services.publication_manual_create(
        actor=team["editor"],
        agency=sub,
        category="penalty",
        decided_on=timezone.localdate(),
        mine=mine,
        fields={
            "decision_number": "测（甲）煤安罚〔2026〕1号",
            "violation_type": "未按规定对从业人员进行安全生产教育和培训",
            "violation_facts": "经查，该矿未对井下作业人员进行安全生产教育和培训。",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_category": "罚款",
            "penalty_content": "处以罚款人民币5000元。",
            "fine_amount": "0.5",
            "valid_until": "2099-12-31",
        },
    )
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return {
        **team,
        "actor": team["head"],
        "publication": publication,
        "status": publication.status,
        "ids": {"publication_id": publication.pk},
    }


def publication_released(province) -> dict:
    from sanxiang.publicity import services

    world = publication_pending(province)
    publication = services.publication_approve(
        actor=world["head"], publication=world["publication"]
    )
    return {**world, "publication": publication, "status": publication.status}


def publication_moved(world) -> bool:
    return refreshed(world, "publication").status != world["status"]


# --- catalog versions ----------------------------------------------------------------------------


def catalog_reviewed(province) -> dict:
    """A new version of the document-type catalog, submitted and reviewed: the head approves."""
    from sanxiang.catalog import services
    from sanxiang.catalog.models import CatalogKind
    from sanxiang.catalog.samples import sample_file

    agency = province["provincial"]
    team = factories.catalog_team(agency=agency)
    kind = CatalogKind.DOCUMENT_TYPE
    path = sample_file(kind)
    version = services.catalog_version_create(
        actor=team["editor"],
        agency=agency,
        kind=kind,
        effective_from=timezone.localdate() + datetime.timedelta(days=30),
        title="文书种类目录（测试）",
        change_note="测试用。",
        is_sample=True,
    )
    services.catalog_import(
        actor=team["editor"], version=version, content=path.read_bytes(), filename=path.name
    )
    version = services.catalog_version_submit(actor=team["editor"], version=version)
    version = services.catalog_version_review(actor=team["reviewer"], version=version)
    return {
        **team,
        "actor": team["head"],
        "version": version,
        "status": version.status,
        "ids": {"version_id": version.pk},
    }


def catalog_moved(world) -> bool:
    return refreshed(world, "version").status != world["status"]


# --- the criminal-transfer decision (on the ledger's list, not session-only) --------------------


def transfer_reported(province) -> dict:
    """A decided case whose officer reports a suspected crime: the head decides on the transfer."""
    from sanxiang.cases import transfers

    crew = _crew(province)
    case = factories.decided_case(officers=crew["officers"], head=crew["head"], mine=crew["mine"])
    transfer = transfers.transfer_report(
        actor=crew["officers"][0],
        case=case,
        suspected_crime="重大责任事故罪",
        facts="经查，该矿在生产作业中违反有关安全管理的规定，涉嫌重大责任事故罪（测试）。",
    )
    return {
        **crew,
        "actor": crew["head"],
        "case": case,
        "transfer": transfer,
        "status": transfer.status,
        "ids": {"transfer_id": transfer.pk},
    }


def transfer_decided(world) -> bool:
    return refreshed(world, "transfer").status != world["status"]
