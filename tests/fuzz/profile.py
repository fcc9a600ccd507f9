"""How much the guard generates, and what it does with what it finds (docs/testing.md).

- ``make test``: a few examples per route and per root field, derandomized (the same inputs
  on every run: a red run is red again on the next), no example database, no shrinking.
- ``CLIENTGATE_FUZZ_EXAMPLES=N``: N examples per route and per root field.
- ``CLIENTGATE_FUZZ_RANDOM=1``: fresh inputs on each run (a campaign).
- ``CLIENTGATE_FUZZ_SHRINK=1``: a failure is shrunk to a minimal request before it is shown.
- ``CLIENTGATE_FUZZ_REPORT=path``: every wrong answer is appended to ``path`` (one JSON line:
  test, problem, request and answer) instead of failing the test, so one long run counts them
  all rather than stopping each test at its first.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

EXAMPLES = int(os.environ.get("CLIENTGATE_FUZZ_EXAMPLES") or 0)
RANDOM = os.environ.get("CLIENTGATE_FUZZ_RANDOM", "") not in ("", "0")
SHRINK = os.environ.get("CLIENTGATE_FUZZ_SHRINK", "") not in ("", "0")
REPORT = os.environ.get("CLIENTGATE_FUZZ_REPORT") or None


def fuzz_settings(default_examples: int) -> settings:
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if SHRINK else [])
    return settings(
        max_examples=EXAMPLES or default_examples,
        derandomize=not RANDOM,
        database=None,
        deadline=None,
        phases=phases,
        print_blob=SHRINK,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )
