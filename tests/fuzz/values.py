"""Bad values, as hypothesis strategies: ids and numbers that are not what they look like,
text a database or a parser chokes on, JSON of the wrong type, JSON that is not JSON."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import strategies as st

# Digits that are not ASCII (``str.isdigit()`` says yes, ``int()`` may say yes or no):
# superscript two, Arabic-Indic one and one-two-three, fullwidth one, mathematical bold nine,
# Roman twelve, NKo one.
ODD_DIGITS = [
    "²",
    "\u0661",
    "\u0661\u0662\u0663",
    "\uff11",
    "\U0001d7d7",
    "Ⅻ",
    "2010007097²",
    "1²",
    "\u0663\u0664",
    "\u07c1",
]
NUMBERISH = [
    "0",
    "-1",
    "1",
    "01",
    " 1",
    "1 ",
    "+1",
    "1.0",
    "1e3",
    "0x1f",
    "1_000",
    "9" * 18,
    "9" * 19,
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 40,
    "-" + "9" * 40,
    "NaN",
    "Infinity",
]
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\n",
    "\u202e",
    "\ufeff",
    "'; DROP TABLE clients;--",
    "%",
    "%00",
    "../../etc/passwd",
    "<x>&amp;</x>]]>",
    "😀",
    "null",
    "true",
    "[]",
    "{}",
    "[a,,b]",
    "x" * 65,
    "x" * 256,
    "ñ" * 300,
    "y" * 5000,
]

odd_string = st.one_of(
    st.sampled_from(ODD_DIGITS + NUMBERISH + ODD_TEXT),
    st.text(max_size=20),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
)
"""A string a careless caller might send where a name, an id or a number is expected."""

huge_ints = st.sampled_from([2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30])
any_int = st.one_of(st.integers(-3, 1000), huge_ints)
int32 = st.one_of(st.integers(-3, 1000), st.sampled_from([2**31 - 1, -(2**31), 101, 1001]))
"""GraphQL's Int, with its edges."""
int64 = st.one_of(st.integers(-3, 1000), st.sampled_from([2**63 - 1, -(2**63), 2**31, 10**15]))
"""A 64-bit integer, with its edges."""
any_float = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0.1, -0.0, 1e308, 1e-308, 12345678901234567890.5]),
)

junk_json: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), any_int, any_float, odd_string),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
"""Any JSON value (big integers included, which not every encoder writes)."""


def dumps(value: Any) -> bytes:
    """JSON as a lenient writer sends it: big integers as digits, NaN as ``NaN``."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _deep(n: int) -> bytes:
    return b"[" * n + b"]" * n


INVALID_JSON = [
    b"",
    b" ",
    b"{",
    b"[1,]",
    b'{"a": 1,}',
    b"\xff\xfe\x00",
    b"\xef\xbb\xbf{}",
    b"nul",
    b'{"a":1}{"b":2}',
    b"NaN",
    b"1e99999",
    b"-",
    b'"\\ud800"',
    b'{"a": "\\u0000"}',
    b'["\\u0000"]',
    b"1" * 5000,
    _deep(600),
    _deep(1100),
    _deep(20000),
    b'{"a":' * 2000 + b"1" + b"}" * 2000,
    b"<export><data/></export>",
    b"a=1&b=2",
]

CONTENT_TYPES = [
    "application/json",
    "application/json",
    "application/json",
    None,
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/json; charset=latin-1",
]

ACCEPTS = [
    None,
    "application/json",
    "application/xml",
    "text/xml",
    "application/xml, application/json",
    "application/json, application/xml",
    "*/*",
    "text/html",
    "text/xml;q=0.1, application/json",
]


def global_id(type_name: str, local: str) -> str:
    """A Relay global id as clients see them (base64 of ``Type:id``)."""
    return base64.b64encode(f"{type_name}:{local}".encode("utf-8", "surrogatepass")).decode()


def cursor(values: list[Any]) -> str:
    """A keyset cursor as the API writes them (base64url of a JSON array, unpadded)."""
    return base64.urlsafe_b64encode(dumps(values)).decode().rstrip("=")


def forged_global_ids(type_names: list[str]) -> st.SearchStrategy[str]:
    names = st.sampled_from([*type_names, "", "Nope", "client"])
    return st.one_of(
        st.builds(global_id, names, odd_string),
        st.sampled_from(["", "!!!", "Q2xpZW50", "Q2xpZW50Og==", "=" * 8, "\x00"]),
    )


def forged_cursors() -> st.SearchStrategy[str]:
    arrays = st.lists(st.one_of(any_int, odd_string, st.none(), any_float), max_size=3)
    return st.one_of(
        st.builds(cursor, arrays),
        st.sampled_from(["", "!!!", "W10", "bnVsbA", base64.b64encode(b"\xff").decode()]),
        odd_string,
    )
