"""Each known wrong answer (known.py) is still wrong: strictly expected to fail, so the entry
is removed as soon as its fix lands."""

from __future__ import annotations

import httpx
import pytest

from tests.fuzz.known import KNOWN_FAILURES, Known
from tests.fuzz.shapes import OffShape, check_answer
from tests.fuzz.world import World


@pytest.mark.xfail(strict=True, raises=OffShape, reason="a known wrong answer (known.py)")
@pytest.mark.parametrize("entry", KNOWN_FAILURES, ids=[k.why.split(":")[0] for k in KNOWN_FAILURES])
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
    # The answer is the one the entry tolerates (else the entry is wider than the bug, or the
    # bug changed: either way the entry needs a look)...
    assert entry.matches(response), (response.status_code, response.text)
    # ...and it is still wrong.
    check_answer(response)
