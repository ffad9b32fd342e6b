"""The withdrawal reason comes back the same way everywhere: its code and its label (item 9)."""

import pytest
from django.test import Client

from sanxiang.api.tokens import api_token_create
from sanxiang.publicity import services


@pytest.mark.django_db
def test_withdrawal_reason_is_code_and_label_in_both_apis(penalty_publication, team):
    publication = services.publication_confirm(
        actor=team["editor"], publication=penalty_publication, confirmed=True
    )
    publication = services.publication_review(actor=team["reviewer"], publication=publication)
    publication = services.publication_approve(actor=team["head"], publication=publication)
    services.publication_withdraw(
        actor=team["head"],
        publication=publication,
        reason="原处罚决定经行政复议被撤销。",
        reason_kind="revoked",
        basis="复议决定书〔2026〕1号",
    )
    client = Client()
    tombstone = client.get(f"/api/publicity/results/{publication.pk}").json()["tombstone"]
    assert tombstone["reason_kind"] == "revoked"
    assert tombstone["reason_kind_label"] == "决定被依法撤销"

    _token, raw = api_token_create(actor=team["head"], name="测试", scopes=["publicity:read"])
    staff = client.get(
        f"/api/publicity/publications/{publication.pk}",
        headers={"Authorization": f"Bearer {raw}"},
    ).json()
    assert staff["withdrawal_reason_kind"] == "revoked"
    assert staff["withdrawal_reason_kind_label"] == "决定被依法撤销"
    assert staff["withdrawal_reason"] == "原处罚决定经行政复议被撤销。"

    page = client.get(f"/public/results/{publication.pk}/").content.decode()
    assert "决定被依法撤销" in page and ">revoked<" not in page
