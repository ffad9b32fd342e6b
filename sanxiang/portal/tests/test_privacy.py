"""GS-PRE-2.1 / GS-REQ-2: the public pages carry no personal data beyond officers' names,
agencies and certificate numbers. Every public page and data file is scanned, with the demo
data loaded, for the demo persons' ID numbers, phone numbers and addresses and staff phones."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from sanxiang.catalog.models import PUBLIC_KINDS, CatalogVersion
from sanxiang.org.models import Agency, Certificate, Staff
from sanxiang.portal.views import DATASETS, SLUGS
from sanxiang.registry.models import Person


def public_urls() -> list[str]:
    urls = ["/public/", "/public/agencies/", "/public/data/"]
    for agency in Agency.objects.all():
        urls.append(f"/public/officers/?agency={agency.pk}")
        for slug in SLUGS:
            urls += [
                f"/public/{slug}/?agency={agency.pk}",
                f"/public/{slug}/history/?agency={agency.pk}",
            ]
    pages = (Staff.objects.filter(role_grants__role="officer").count() // 50) + 2
    urls += [f"/public/officers/?page={n}" for n in range(1, pages + 1)]
    urls += [
        f"/public/versions/{pk}/"
        for pk in CatalogVersion.objects.filter(
            status="published", kind__in=PUBLIC_KINDS
        ).values_list("pk", flat=True)
    ]
    urls += [
        f"/public/certificate-check/?number={n}"
        for n in Certificate.objects.values_list("number", flat=True)[:20]
    ]
    urls += [f"/public/data/{name}.{fmt}" for name in DATASETS for fmt in ("csv", "json")]
    return urls


@pytest.mark.django_db
def test_no_personal_data_on_any_public_page():
    call_command("demo_load", stdout=io.StringIO())
    persons = list(Person.objects.all())
    assert len(persons) >= 9
    secrets = set()
    for person in persons:
        secrets |= {person.id_number, person.phone, person.address}
    secrets |= {phone for phone in Staff.objects.values_list("phone", flat=True)}
    secrets = {s for s in secrets if s}
    assert any(re.fullmatch(r"\d{17}[\dX]", s) for s in secrets)
    client = Client()
    checked = 0
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        leaked = [s for s in secrets if s in body]
        assert not leaked, (url, leaked)
        checked += 1
    assert checked > 60
    # and the person names of the register (parties, not officers) never appear either
    names = {p.name for p in persons} - set(Staff.objects.values_list("full_name", flat=True))
    for url in ["/public/officers/?page=1", "/public/data/officers.json"]:
        body = client.get(url).content.decode()
        assert not [n for n in names if n in body], url
