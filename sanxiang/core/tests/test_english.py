"""The English switch (ADR 0006): a complete catalogue, and English pages across the apps."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from sanxiang.ledger import services as ledger_services
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in
from sanxiang.testing.language import english_client

CATALOGUE = Path(settings.BASE_DIR) / "sanxiang" / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Han characters and CJK punctuation; not the ideographic space that indents agency trees.
CJK = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uff00-\uffef]+")


def test_english_catalogue_is_complete():
    """Every message has an English translation: none untranslated, fuzzy or obsolete.

    After changing Chinese messages, run `make messages` and translate what it adds.
    """
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []
    for entry in catalogue.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert text.strip(), entry.msgid
            # English, with Chinese only in brackets or quotes: a law's name, an input format.
            han = sum(len(run) for run in CJK.findall(text))
            assert han <= len(re.findall(r"[A-Za-z]", text)), (entry.msgid, text)


def test_compiled_catalogue_matches_the_source():
    """The committed .mo is compiled from the committed .po (`make messages` does both)."""

    def messages(catalogue):
        return {
            (e.msgctxt, e.msgid): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
            for e in catalogue
            if e.msgid
        }

    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert messages(compiled) == messages(polib.pofile(str(CATALOGUE)).translated_entries())


class _Chrome(HTMLParser):
    """The text of a page's title, navigation, headings, table headers, labels and buttons."""

    WATCHED = {"title", "nav", "h1", "h2", "h3", "th", "label", "button", "summary", "legend"}
    DATA = {"select", "option", "code", "pre"}  # choices and values are data, not chrome

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.data_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.WATCHED:
            self.depth += 1
        elif tag in self.DATA:
            self.data_depth += 1

    def handle_endtag(self, tag):
        if tag in self.WATCHED and self.depth:
            self.depth -= 1
            self.parts.append("\n")
        elif tag in self.DATA and self.data_depth:
            self.data_depth -= 1

    def handle_data(self, data):
        if self.depth and not self.data_depth:
            self.parts.append(data)


def leftover_chinese(html: str, data: list[str]) -> list[str]:
    """Chinese in the page's chrome once the data values (names of agencies, people, mines) are gone."""
    parser = _Chrome()
    parser.feed(html)
    text = "".join(parser.parts)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    return CJK.findall(text)


@pytest.fixture
def world(province):
    sub = province["a"]
    return {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "mine": factories.mine(agency=sub, name="测试煤矿"),
        **factories.publicity_team(agency=sub),  # an editor, a reviewer and a head
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        (None, "/public/", ["Enforcement publication", "Certificate check", "Open data"]),
        (None, "/public/results/", ["Result publication", "Search", "Decision date from"]),
        (None, "/transparency/", ["Enforcement record ledger transparency", "How to verify"]),
        ("officer", "/", ["Hello, 李明", "My enforcement certificates", "Dashboard"]),
        ("officer", "/cases/all/", ["All cases", "Case title or party", "Handling agency"]),
        ("officer", "/catalog/", ["Enforcement catalogs", "Current version"]),
        ("officer", "/inspections/all/", ["On-site inspection", "Inspection date"]),
        ("officer", "/evidence/", ["Recordings and document evidence", "Enforcement activity"]),
        ("head", "/publicity/timeliness/", ["Publication timeliness", "On-time rate"]),
        ("head", "/review/statistics/", ["Legal review statistics", "Legal reviewer staffing"]),
    ],
)
def test_pages_in_english(world, province, who, url, expected):
    ledger_services.checkpoint_sign()  # the portal pages show the latest checkpoint
    client = english_client(world[who] if who else None)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    for text in expected:
        assert text in page
    # Data stay Chinese: agencies (tables name sub-bureaus within their province), people, mines.
    data = [agency.name for agency in province.values()] + ["甲分局", "乙分局"]
    data += [str(world[key]) for key in ("officer", "head", "mine")]
    assert leftover_chinese(page, data) == []


@pytest.mark.django_db
def test_chinese_stays_the_default(world):
    client = Client()
    sign_in(client, world["officer"])
    page = client.get("/cases/all/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "全部案件" in page and "All cases" not in page
