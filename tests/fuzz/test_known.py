"""Each known wrong answer (known.py) is still wrong: strictly expected to fail, so the entry
is removed as soon as its fix lands (the test then reports XPASS(strict) with the entry's why)."""

from __future__ import annotations

import httpx
import pytest

from tests.fuzz.known import KNOWN_FAILURES, Known
from tests.fuzz.shapes import OffShape, check_answer
from tests.fuzz.world import World

CASES = [
    pytest.param(k, id=k.name, marks=pytest.mark.xfail(strict=True, raises=OffShape, reason=k.why))
    for k in KNOWN_FAILURES
]


# Defined only while there is something to replay: no skipped placeholder when the list is empty.
@pytest.mark.parametrize("entry", CASES)
async def test_a_known_wrong_answer_is_still_wrong(
    entry: Known, world: World, fuzz_http: httpx.AsyncClient
) -> None:
    example = entry.example
    response = await fuzz_http.request(
        example.method,
        example.path,
        headers={**world.credentials("token"), "content-type": "application/json"},
        content=example.content(world.global_ids),
    )
    try:
        check_answer(response)  # passes once the fix lands: XPASS(strict), remove the entry
    except OffShape:
        # Still wrong, and in the way the entry describes (else the entry needs a look).
        assert entry.matches(response), (response.status_code, response.text)
        raise


if not CASES:
    del test_a_known_wrong_answer_is_still_wrong
