"""Query codes are checked with the same work whether or not the number exists."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.hashers import make_password

from sanxiang.core import querycodes
from sanxiang.core.querycodes import query_code_matches


def test_the_right_code_matches_and_a_wrong_one_does_not():
    encoded = make_password("AB12CD")
    assert query_code_matches("AB12CD", encoded)
    assert not query_code_matches("AB12CE", encoded)
    assert not query_code_matches("", encoded)


def test_a_missing_record_costs_one_check_like_a_present_one_and_never_matches():
    encoded = make_password("AB12CD")
    with mock.patch.object(querycodes, "check_password", wraps=querycodes.check_password) as spy:
        assert not query_code_matches("AB12CD", None)
        assert not query_code_matches("not-a-code", None)  # not even the dummy's own text
        assert query_code_matches("AB12CD", encoded)
    assert spy.call_count == 3
