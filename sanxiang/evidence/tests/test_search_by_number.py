"""Recording search finds a recording by the number people read on screen and paper (YX…)."""

from __future__ import annotations

import pytest
from django.test import Client

from sanxiang.api.tokens import api_token_create
from sanxiang.evidence.models import Recording
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

pytestmark = pytest.mark.django_db


def test_search_by_recording_number(people):
    wanted = factories.recording(actor=people["officer"], title="井下巷道检查")
    factories.recording(actor=people["officer"], title="另一段记录")
    _token, raw = api_token_create(actor=people["officer"], name="测试", scopes=["evidence:read"])
    client = Client()

    def found(q: str) -> list[int]:
        response = client.get(
            "/api/evidence/recordings", {"q": q}, headers={"Authorization": f"Bearer {raw}"}
        )
        return [r["id"] for r in response.json()["items"]]

    assert found(wanted.number) == [wanted.pk]
    assert found(wanted.number.lower()) == [wanted.pk]
    assert found(f"YX{wanted.pk}") == [wanted.pk]
    assert found("巷道") == [wanted.pk]
    assert found("YX99999999") == []
    # A number outside the user's scope finds nothing (the search is still cut to scope).
    _token, other = api_token_create(
        actor=people["other_officer"], name="测试", scopes=["evidence:read"]
    )
    response = client.get(
        "/api/evidence/recordings",
        {"q": wanted.number},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert response.json()["items"] == []

    sign_in(client, people["officer"])
    page = client.get("/evidence/", {"q": wanted.number}).content.decode()
    assert "井下巷道检查" in page and "另一段记录" not in page


@pytest.mark.parametrize(
    ("text", "pk"),
    [("YX00000012", 12), ("yx12", 12), (" YX7 ", 7), ("YX", None), ("YXabc", None), ("12", None)],
)
def test_pk_from_number(text, pk):
    assert Recording.pk_from_number(text) == pk
