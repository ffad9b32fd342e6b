"""Walk the site as one user and report internal strings a person would see (issue 13, item 1).

A crawl starts at a few entry pages and follows the links (``href`` and HTMX ``hx-get``) it finds,
visiting one URL per URL pattern (``/cases/6/`` stands for every ``cases/<int:pk>/``). On every
HTML page it reads the text a person sees — the text nodes outside ``<script>``/``<style>`` and the
attributes that are shown (``title``, ``placeholder``, ``aria-label``, button values) — and looks for:

- typed object references (``cases.case:6``, ``registry.coalmine:12``);
- Python reprs (``<RetrievalRequest: …>``, ``[<…>]``);
- snake_case tokens and English enum values (``social_impact``, ``sealing``) in the Chinese UI;
- error messages prefixed with a field name (``status：…``);
- clause IDs (``GS-MID-1``): screens name the legal source in words (``core.legal_sources``);
- form labels with no Chinese in them (``Entry *``), a dangling separator (``张三 · ``).

Then it submits every GET-less form it met with nothing filled in (POST, CSRF token only), to see
the error messages a person gets, which must follow the same rules and never be a server error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlparse

from django.urls import Resolver404, resolve

from sanxiang.core.legal_sources import CODE

CJK = re.compile(r"[\u4e00-\u9fff]")
OBJECT_REFERENCE = re.compile(r"\b[a-z_]{2,}\.[a-z_]{2,}:\d+\b")
REPR = re.compile(r"<[A-Z]\w*: |\[<[A-Z]\w*|<[A-Z]\w* object at 0x|\bQuerySet \[")
SNAKE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")
FIELD_PREFIX = re.compile(r"(?:^|[\s（(])([a-z][a-z0-9_]*)\s*[：:]\s*\S")
WORD = re.compile(r"(?<![\w./:@#-])[a-z]{4,}(?![\w./@-])")
DANGLING = re.compile(r"(?:·\s*(?:·|$|[）)]))|(?:^\s*·)|(?:（\s*）)")

#: Elements whose text is not read as words: code samples, digests, file names, the
#: command line a custodian is told to run.
LITERAL_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "textarea", "template"}
BLOCK_TAGS = set(
    [
        "p",
        "li",
        "td",
        "th",
        "dd",
        "dt",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "section",
        "form",
        "caption",
        "summary",
        "details",
        "option",
        "ul",
        "ol",
        "table",
        "tr",
        "nav",
        "header",
        "main",
        "footer",
        "article",
        "aside",
        "br",
        "select",
        "legend",
    ]
)
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SKIP_PREFIXES = (
    "/logout/",
    "/enterprise/logout/",
    "/i18n/",
    "/api/",
    "/admin/",
    "/static/",
    "/media/",
    "/evidence/tus/",
)
#: Pages that are files, not screens (PDF, CSV, XLSX, Atom, streams) are skipped by type.
HTML = "text/html"


@dataclass
class Form:
    action: str
    method: str
    page: str
    fields: dict[str, str] = field(default_factory=dict)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.texts: list[str] = []  # visible text, one entry per text node or attribute
        self.words: list[str] = []  # the same, outside code-like elements
        self.labels: list[str] = []
        self.flow: list[str] = []  # visible text with a line break at each block boundary
        self._stack: list[str] = []
        self._label: list[str] | None = None
        self._form: Form | None = None

    @property
    def _literal(self) -> bool:
        return any(tag in LITERAL_TAGS for tag in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCK_TAGS:
            self.flow.append("\n")
        if tag not in {"br", "input", "img", "meta", "link", "hr", "source", "wbr"}:
            self._stack.append(tag)
        for name in ("href", "hx-get"):
            if attrs.get(name):
                self.links.append(attrs[name])
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self._text(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self._text(attrs["value"])
        if tag == "label":
            self._label = []
        if tag == "form":
            self._form = Form(
                action=attrs.get("action") or "",
                method=(attrs.get("method") or "get").lower(),
                page="",
            )
        if self._form is not None and tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self._form.fields["csrfmiddlewaretoken"] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.flow.append("\n")
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass
        if tag == "label" and self._label is not None:
            self.labels.append("".join(self._label).strip())
            self._label = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data):
        if self._stack and self._stack[-1] in {"script", "style", "template"}:
            return
        if self._label is not None:
            self._label.append(data)
        self.flow.append(" ".join(data.split(" ")).replace("\n", " "))
        if data.strip():
            self._text(data)

    def _text(self, text: str) -> None:
        text = " ".join(text.split())
        self.texts.append(text)
        if not self._literal:
            self.words.append(text)


@dataclass
class Finding:
    user: str
    url: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"[{self.user}] {self.url} {self.kind}: {self.text[:160]}"


def route_of(path: str) -> str | None:
    """The URL pattern a path belongs to (``cases/<int:pk>/``), or None when none does."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def inspect_page(html: str, *, user: str, url: str, enum_values: frozenset[str]) -> list[Finding]:
    """What a person would see on this page that is not words."""
    page = _Page()
    page.feed(html)
    found: list[Finding] = []

    def report(kind: str, text: str) -> None:
        found.append(Finding(user=user, url=url, kind=kind, text=text))

    for text in page.texts:
        if REPR.search(text):
            report("Python repr", text)
        if CODE.search(text):
            report("clause code", text)
    for text in page.words:
        if not CJK.search(text) and not WORD.search(text) and not SNAKE.search(text):
            continue
        if OBJECT_REFERENCE.search(text):
            report("object reference", text)
        if SNAKE.search(text):
            report("snake_case token", text)
        prefix = FIELD_PREFIX.search(text)
        if prefix and not prefix.group(1).startswith("http"):
            report("field-name prefix", text)
        english = [w for w in WORD.findall(text) if w in enum_values]
        if english:
            report("English value", text)
    for line in "".join(page.flow).split("\n"):
        line = " ".join(line.split())
        if DANGLING.search(line):
            report("dangling separator", line)
    for label in page.labels:
        if re.search(r"[A-Za-z]", label) and not CJK.search(label):
            report("label without Chinese", label)
    return found


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def same_site(base: str, link: str) -> str | None:
    """The path (with query) of a link on this site, without fragment; None for others."""
    link, _fragment = urldefrag(urljoin(base, link))
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https", "") or parsed.netloc not in ("", "testserver"):
        return None
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    if not parsed.path.startswith("/") or parsed.path.startswith(SKIP_PREFIXES):
        return None
    return path


def crawl(client, *, user: str, start: list[str], enum_values: frozenset[str], limit: int = 400):
    """Visit one URL per pattern reachable from ``start``.

    Returns the findings, the POST forms met, the server errors, and the number of pages read.
    """
    queue = list(start)
    seen_routes: set[str] = set()
    seen_paths: set[str] = set()
    findings: list[Finding] = []
    forms: list[Form] = []
    errors: list[str] = []
    while queue and len(seen_paths) < limit:
        path = queue.pop(0)
        if path in seen_paths:
            continue
        route = route_of(urlparse(path).path)
        if route is None:
            continue
        key = route + ("?" if "?" in path else "")
        if key in seen_routes:
            continue
        seen_routes.add(key)
        seen_paths.add(path)
        response = client.get(path, headers={"Accept-Language": "zh-hans"})
        if response.status_code >= 500:
            errors.append(f"[{user}] GET {path} → {response.status_code}")
            continue
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if not response.get("Content-Type", "").startswith(HTML) or response.streaming:
            continue
        html = response.content.decode()
        findings += inspect_page(html, user=user, url=path, enum_values=enum_values)
        page = parse(html)
        for form in page.forms:
            if form.method == "post":
                form.page = path
                form.action = same_site(path, form.action or path) or ""
                if form.action:
                    forms.append(form)
        for link in page.links:
            target = same_site(path, link)
            if target and target not in seen_paths:
                queue.append(target)
    return findings, forms, errors, len(seen_paths)


def submit_empty(client, forms: list[Form], *, user: str, enum_values: frozenset[str]):
    """POST each form (one per action pattern) with nothing filled in; inspect the answer."""
    findings: list[Finding] = []
    errors: list[str] = []
    done: set[str] = set()
    for form in forms:
        route = route_of(urlparse(form.action).path)
        if route is None or route in done or form.action.startswith(SKIP_PREFIXES):
            continue
        done.add(route)
        response = client.post(form.action, form.fields, headers={"Accept-Language": "zh-hans"})
        if response.status_code >= 500:
            errors.append(f"[{user}] POST {form.action} → {response.status_code}")
            continue
        if response.get("Content-Type", "").startswith(HTML) and not response.streaming:
            findings += inspect_page(
                response.content.decode(),
                user=user,
                url=f"POST {form.action}",
                enum_values=enum_values,
            )
    return findings, errors
