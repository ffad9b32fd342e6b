"""The catalog API: versions and their workflow, items, compendium search, classification."""

import pytest
from django.test import Client
from django.utils import timezone

from sanxiang.catalog.models import CatalogKind
from sanxiang.testing.auth import sign_in


def api(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_version_workflow_through_the_api(samples, team, province):
    editor = api(team["editor"])
    response = editor.post(
        "/api/catalog/versions",
        {
            "agency_id": province["provincial"].pk,
            "kind": "remedy",
            "effective_from": timezone.localdate().isoformat(),
            "title": "接口修订",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    version = response.json()
    assert version["status"] == "draft" and version["number"] == 2
    url = f"/api/catalog/versions/{version['id']}"
    items = editor.get(f"{url}/items").json()
    assert [i["code"] for i in items] == ["JJ-001", "JJ-002", "JJ-003"]
    assert (
        editor.post(
            f"{url}/transitions", {"action": "submit"}, content_type="application/json"
        ).json()["status"]
        == "submitted"
    )
    refused = editor.post(
        f"{url}/transitions", {"action": "review"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused["Content-Type"].startswith(
        "application/problem+json"
    )
    no_reason = api(team["reviewer"]).post(
        f"{url}/transitions", {"action": "return"}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [{"field": "reason", "message": "请说明理由。"}]
    api(team["reviewer"]).post(
        f"{url}/transitions", {"action": "review"}, content_type="application/json"
    )
    done = api(team["head"]).post(
        f"{url}/transitions", {"action": "approve"}, content_type="application/json"
    )
    assert done.json()["status"] == "published" and done.json()["content_digest"]


@pytest.mark.parametrize(
    ("payload", "codes"),
    [
        ({"party_kind": "individual", "fine_amount": "19999"}, []),
        ({"party_kind": "individual", "fine_amount": "20000"}, ["SH2-02P"]),
        ({"party_kind": "mine", "fine_amount": "49999.99"}, []),
        (
            {"party_kind": "mine", "fine_amount": "50000", "after_hearing": True},
            ["SH2-02M", "SH2-04"],
        ),
        ({"party_kind": "mine", "measures": ["propose_closure"]}, ["HB-01"]),
    ],
)
def test_classify_through_the_api(samples, team, province, payload, codes):
    response = api(team["editor"]).post(
        "/api/catalog/major-decisions/classify",
        {"agency_id": province["a"].pk, **payload},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["code"] for m in body["matches"]] == codes and body["major"] == bool(codes)


def test_compendium_search_through_the_api(samples, team, province):
    response = api(team["editor"]).get(
        "/api/catalog/compendium", {"q": "瓦斯", "agency_id": province["a"].pk}
    )
    (entry,) = response.json()["items"]
    assert entry["code"] == "WF-002" and entry["benchmarks"][0]["severity"] == "grave"


def test_scope_superiors_published_catalogs_are_visible_their_drafts_are_not(
    samples, team, province
):
    from sanxiang.catalog.services import catalog_version_create
    from sanxiang.testing import factories

    sub_bureau_editor = api(factories.staff(agency=province["b"], roles=["publicity_editor"]))
    published = samples[CatalogKind.POWER_LIST]
    assert sub_bureau_editor.get(f"/api/catalog/versions/{published.pk}").status_code == 200
    draft = catalog_version_create(
        actor=team["editor"],
        agency=province["provincial"],
        kind=CatalogKind.POWER_LIST,
        effective_from=timezone.localdate(),
        title="省局草稿",
    )
    assert sub_bureau_editor.get(f"/api/catalog/versions/{draft.pk}").status_code == 404
    sibling = factories.catalog_team(agency=province["a"])
    own = catalog_version_create(
        actor=sibling["editor"],
        agency=province["a"],
        kind=CatalogKind.MAJOR_DECISION,
        effective_from=timezone.localdate(),
        title="甲分局草稿",
    )
    assert sub_bureau_editor.get(f"/api/catalog/versions/{own.pk}").status_code == 404
