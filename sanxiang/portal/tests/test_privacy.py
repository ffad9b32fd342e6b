"""GS-PRE-2.1 / GS-REQ-2: the public pages carry no personal data beyond officers' names,
agencies and certificate numbers. Every public page and data file is scanned, with the demo
data loaded, for the demo persons' ID numbers, phone numbers and addresses and staff phones,
and for everything the redaction of the demo's published results withheld."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from sanxiang.catalog.models import PUBLIC_KINDS, CatalogVersion
from sanxiang.complaints.models import Complaint
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Agency, Certificate, Staff
from sanxiang.portal.views import DATASETS, SLUGS
from sanxiang.publicity.fields import Category
from sanxiang.publicity.models import (
    AnnualReport,
    Publication,
    PublicationVersion,
    PublicEntry,
    Redaction,
)
from sanxiang.registry.models import Person


def public_urls() -> list[str]:
    urls = ["/public/", "/public/agencies/", "/public/data/", "/public/complaints/"]
    urls.append("/public/complaints/progress/")
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


def result_urls() -> list[tuple[str, tuple[int, ...]]]:
    """The result pages (GS-POST-1): search, every released record and version (withdrawn
    and expired ones answer 410 with their tombstone, and have no version pages), mines,
    feed, open data, annual reports."""
    urls = [
        "/public/results/",
        "/public/results/?q=煤矿",
        "/public/results/?category=penalty",
        "/public/results/feed.atom",
        "/public/reports/",
    ]
    urls += [f"/public/data/results/{c}.{fmt}" for c in Category.values for fmt in ("csv", "json")]
    urls += [
        f"/public/reports/{pk}/"
        for pk in AnnualReport.objects.filter(status="published").values_list("pk", flat=True)
    ]
    released = Publication.objects.filter(first_published_at__isnull=False)
    urls += [f"/public/mines/{m}/" for m in set(released.values_list("mine_id", flat=True))]
    pages = [(url, (200,)) for url in urls]
    for publication in released:
        pages.append((f"/public/results/{publication.pk}/", (200, 410)))
        pages += [
            (f"/public/results/{publication.pk}/v{n}/", (200,) if publication.is_live else (404,))
            for n in publication.versions.values_list("number", flat=True)
        ]
    return pages


def withheld_originals() -> set[str]:
    """What the editors withheld from the results, as it stands in the working copies."""
    withheld = set()
    for mark in Redaction.objects.filter(withheld=True).select_related("publication"):
        publication = mark.publication
        if mark.revision != publication.revision:
            continue
        text = str(publication.fields.get(mark.field, "") or "")
        withheld.add(text if mark.start is None else text[mark.start : mark.end])
    return {w for w in withheld if w}


@pytest.mark.django_db
def test_no_personal_data_on_any_public_page():
    call_command("demo_load", stdout=io.StringIO())
    persons = list(Person.objects.all())
    assert len(persons) >= 9
    secrets = set()
    for person in persons:
        secrets |= {person.id_number, person.phone, person.address}
    secrets |= {phone for phone in Staff.objects.values_list("phone", flat=True)}
    # 投诉举报 (issue 15): the demo's reporters left names and phones; they appear on no public
    # page, in no open data or feed, and in no ledger body (the row digest holds a keyed MAC).
    reporters = Complaint.objects.exclude(reporter_contact="")
    assert reporters.count() >= 2
    reporter_secrets = {c.reporter_contact for c in reporters} | {
        c.reporter_name for c in reporters if c.reporter_name
    }
    for body in LedgerEntry.objects.values_list("body", flat=True):
        assert not [s for s in reporter_secrets if s in body]
    secrets |= {c.reporter_contact for c in reporters}
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
    # The demo's published results: what was withheld is in no released version, no search
    # entry and on no result page (ID numbers, phones, addresses, names of third persons).
    withheld = withheld_originals()
    assert len(withheld) >= 40 and any(re.fullmatch(r"1[3-9]\d{9}", w) for w in withheld)
    released = [str(v.public_fields) for v in PublicationVersion.objects.all()]
    released += [e.terms + e.party_name + e.outcome for e in PublicEntry.objects.all()]
    assert len(released) > 60
    for text in released:
        assert not [w for w in withheld if w in text]
    secrets |= withheld
    results = result_urls()
    assert len(results) > 80
    for url, statuses in results:
        response = client.get(url)
        assert response.status_code in statuses, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode("utf-8-sig")
        leaked = [s for s in secrets if s in body]
        assert not leaked, (url, leaked)
    # and the person names of the register (parties, not officers) never appear either
    names = {p.name for p in persons} - set(Staff.objects.values_list("full_name", flat=True))
    for url in ["/public/officers/?page=1", "/public/data/officers.json"]:
        body = client.get(url).content.decode()
        assert not [n for n in names if n in body], url
