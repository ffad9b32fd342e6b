"""GS-POST-1 / GS-POST-2 deadline tracking: overdue drafts and withdrawals surface on the
timeliness dashboard (per agency, for heads and the superior agency) and on the home page."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.publicity import selectors, services
from sanxiang.publicity.models import Publication
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in


def draft(team, decided_on, number):
    return services.publication_manual_create(
        actor=team["editor"],
        agency=team["mine"].supervising_agency,
        category="penalty",
        decided_on=decided_on,
        mine=team["mine"],
        fields={
            "decision_number": f"测（甲）煤安罚〔2026〕{number}号",
            "violation_type": "测试",
            "violation_facts": "测试事实",
            "penalty_basis": "测试依据",
            "penalty_category": "罚款",
            "penalty_content": "罚款",
            "valid_until": "2099-12-31",
        },
    )


def release(team, publication):
    publication = services.publication_confirm(
        actor=team["editor"], publication=publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    return services.publication_approve(actor=team["head"], publication=publication)


def login(user):
    client = Client()
    sign_in(client, user)
    return client


@pytest.mark.django_db
def test_overdue_draft_shows_on_dashboards(team, province):
    today = timezone.localdate()
    overdue = draft(team, today - datetime.timedelta(days=30), 1)
    release(team, draft(team, today, 2))  # on time
    late = draft(team, today - datetime.timedelta(days=40), 3)
    release(team, late)  # released, but after its due date
    draft(team, today, 4)  # pending, not yet due

    [row] = selectors.timeliness(user=team["head"], today=today)
    assert (row.released, row.on_time, row.late) == (2, 1, 1)
    assert (row.pending, row.overdue_now) == (2, 1) and row.overdue_items == [overdue]
    assert row.rate == "50.0%"

    page = login(team["head"]).get("/publicity/timeliness/").content.decode()
    assert "逾期未公示" in page and overdue.title in page and overdue.due_on.isoformat() in page

    superior = factories.head(agency=province["provincial"])
    [row] = selectors.timeliness(user=superior, today=today)
    assert row.agency == province["a"] and row.overdue_now == 1
    assert selectors.timeliness(user=factories.head(agency=province["b"]), today=today) == []

    home = login(team["editor"]).get("/").content.decode()
    assert "逾期未公示的执法决定：1 件" in home
    listing = login(team["editor"]).get("/publicity/?due=overdue").content.decode()
    assert overdue.title in listing and "逾期" in listing


@pytest.mark.django_db
def test_overdue_withdrawal_shows(team):
    today = timezone.localdate()
    published = release(team, draft(team, today - datetime.timedelta(days=20), 5))
    services.publication_withdrawal_request(
        actor=team["editor"],
        publication=published,
        reason_kind="revoked",
        reason="被撤销",
        revoked_on=today - datetime.timedelta(days=10),
    )
    alerts = selectors.alerts(user=team["head"], today=today)
    assert alerts.withdrawal_overdue == 1 and alerts.awaiting_me == 1
    home = login(team["head"]).get("/").content.decode()
    assert "超过3个工作日仍未撤下的公示：1 件" in home


@pytest.mark.django_db
def test_staff_pages_render_for_each_role(penalty_publication, team):
    for user in (team["editor"], team["reviewer"], team["head"]):
        client = login(user)
        for url in (
            "/publicity/",
            "/publicity/?status=open",
            f"/publicity/{penalty_publication.pk}/",
            "/publicity/timeliness/",
            "/publicity/reports/",
        ):
            assert client.get(url).status_code == 200, (user, url)
    editor = login(team["editor"])
    assert editor.get(f"/publicity/{penalty_publication.pk}/edit/").status_code == 200
    assert editor.get("/publicity/new/?category=licensing").status_code == 200
    response = editor.post(
        f"/publicity/{penalty_publication.pk}/edit/",
        {"violation_facts": "新的事实，联系电话13700001111。", "decision_date": "not a date"},
    )
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
    outsider = factories.staff(agency=factories.agency(name="无关机构"), roles=["publicity_editor"])
    assert login(outsider).get(f"/publicity/{penalty_publication.pk}/").status_code == 404
    assert (
        Publication.objects.get().fields["violation_facts"]
        == penalty_publication.fields["violation_facts"]
    )
