"""The legal language (ADR 0006): what is recorded is Chinese whatever the UI's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sanxiang.core.language import LEGAL_LANGUAGE, in_legal_language


def test_the_legal_language_is_the_default_chinese():
    assert LEGAL_LANGUAGE == settings.LANGUAGE_CODE == "zh-hans"
    assert LEGAL_LANGUAGE in dict(settings.LANGUAGES)


def test_a_decorated_builder_writes_chinese_and_gives_the_language_back():
    @in_legal_language
    def opinion() -> str:
        return _("同意立案。")

    @in_legal_language
    def form() -> list[str]:
        return [_("案由"), opinion(), translation.get_language()]

    with translation.override("en"):
        assert _("案由") == "Case title"
        assert form() == ["案由", "同意立案。", "zh-hans"]
        assert translation.get_language() == "en"
        assert _("同意立案。") == "Case filing approved."


def test_a_with_block_writes_chinese_and_gives_the_language_back():
    with translation.override("en"):
        with in_legal_language():
            assert _("同意。") == "同意。"
        assert _("同意。") == "Approved."


def test_a_decorated_stream_writes_chinese_only_in_its_own_steps():
    seen_between = []

    @in_legal_language
    def rows():
        yield _("案由")
        yield translation.get_language()

    with translation.override("en"):
        for row in rows():
            seen_between.append((row, translation.get_language()))
    assert seen_between == [("案由", "en"), ("zh-hans", "en")]
