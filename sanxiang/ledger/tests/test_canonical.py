import datetime
import json
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.ledger.canonical import canonical_json

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_sorted_compact_utf8() -> None:
    value = {"b": 1, "a": [True, None, "煤矿"], "A": {"z": 0, "y": -1.5}}
    assert canonical_json(value) == '{"A":{"y":-1.5,"z":0},"a":[true,null,"煤矿"],"b":1}'.encode()


def test_key_order_is_code_point_order() -> None:
    assert (
        canonical_json({"é": 1, "z": 2, "Z": 3, "煤": 4}) == '{"Z":3,"z":2,"é":1,"煤":4}'.encode()
    )


def test_insertion_order_does_not_matter() -> None:
    assert canonical_json({"x": 1, "y": {"b": 2, "a": 1}}) == canonical_json(
        {"y": {"a": 1, "b": 2}, "x": 1}
    )


def test_datetimes_are_utc_with_z() -> None:
    local = datetime.datetime(2024, 5, 1, 16, 30, tzinfo=SHANGHAI)
    utc = datetime.datetime(2024, 5, 1, 8, 30, tzinfo=datetime.UTC)
    assert canonical_json(local) == canonical_json(utc) == b'"2024-05-01T08:30:00Z"'
    with_micro = utc.replace(microsecond=120)
    assert canonical_json(with_micro) == b'"2024-05-01T08:30:00.000120Z"'
    with pytest.raises(ValueError, match="naive datetime"):
        canonical_json(datetime.datetime(2024, 5, 1, 8, 30))


def test_dates_and_times() -> None:
    assert canonical_json(datetime.date(2024, 2, 29)) == b'"2024-02-29"'
    assert canonical_json(datetime.time(9, 5)) == b'"09:05:00"'
    with pytest.raises(ValueError):
        canonical_json(datetime.time(9, 5, tzinfo=datetime.UTC))


def test_decimals_keep_scale_without_exponent() -> None:
    assert canonical_json(Decimal("1.10")) == b'"1.10"'
    assert canonical_json(Decimal("1E+3")) == b'"1000"'
    assert canonical_json(Decimal("-0.000001")) == b'"-0.000001"'
    assert canonical_json({"罚款": Decimal("50000.00")}) == '{"罚款":"50000.00"}'.encode()
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")):
        with pytest.raises(ValueError):
            canonical_json(bad)


def test_uuid_and_bytes() -> None:
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert canonical_json(value) == b'"12345678-1234-5678-1234-567812345678"'
    assert canonical_json(b"\x00\xff\x10") == b'"AP8Q"'
    assert canonical_json(bytearray(b"ab")) == canonical_json(memoryview(b"ab")) == b'"YWI="'


def test_tuples_are_arrays() -> None:
    assert canonical_json((1, (2, 3))) == b"[1,[2,3]]"


@pytest.mark.parametrize(
    "value",
    [{1, 2}, frozenset(), {1: "a"}, {("a",): 1}, object(), {"x": {"y": {3}}}, 1j],
)
def test_unsupported_values_raise_type_error(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"x": [float("-inf")]}])
def test_non_finite_floats_rejected(value: object) -> None:
    with pytest.raises(ValueError):
        canonical_json(value)


def test_lone_surrogates_rejected() -> None:
    with pytest.raises(UnicodeEncodeError):
        canonical_json("\ud800")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_plain_json_round_trips_and_is_stable(value: object) -> None:
    encoded = canonical_json(value)
    decoded = json.loads(encoded.decode("utf-8"))
    assert canonical_json(decoded) == encoded
