"""Checks that recorded text is in the legal language (Chinese) although the user works in English."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from sanxiang.core.blobstore import blob_read
from sanxiang.testing.auth import sign_in

# Two or more English words in a row: a translated label or sentence, never Chinese data (whose
# Latin letters are codes and hex digests: 'WF-001', 'SH2-02M', '9f3a8c2e 4b1d0e7f').
ENGLISH_PHRASE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z'’]{2,}(?: [A-Za-z'’]+)+(?![0-9A-Za-z])")


def english_client(user=None) -> Client:
    """A client who chose English with the language switch (the cookie): ``user``, logged in,
    or an anonymous visitor."""
    client = Client()
    if user is not None:
        sign_in(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def english(msgid: str) -> str:
    """The English catalogue's text of ``msgid`` (which must be translated)."""
    with translation.override("en"):
        text = gettext(msgid)
    assert text != msgid, f"not translated: {msgid}"
    return text


def strings(value: Any) -> str:
    """The text values in a JSON value (not its keys), one per line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(strings(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(strings(v) for v in value)
    return ""


def ledger_text(entry) -> str:
    """The text values of a ledger entry's body."""
    return strings(json.loads(entry.body))


def pdf_text(pdf_path: str) -> str:
    """The text of a stored PDF, read back with pdftotext (poppler-utils)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDFs"
    return subprocess.run(
        ["pdftotext", "-", "-"], input=blob_read(pdf_path), capture_output=True, check=True
    ).stdout.decode("utf-8")


def assert_legal_language(text: str, *msgids: str) -> None:
    """``text`` is Chinese: it carries none of the English texts of ``msgids`` (Chinese messages
    the UI translates) and no English phrase at all."""
    leaked = [english(msgid) for msgid in msgids if english(msgid) in text]
    assert leaked == [], leaked
    assert ENGLISH_PHRASE.findall(text) == [], text
