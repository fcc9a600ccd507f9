"""When authenticating writes a token's last use: at most once a minute per token, and, in one
process, by one request however many of that token's requests arrive together (so a burst of
a cold token's requests does not queue on the database's write lock)."""

from __future__ import annotations

LAST_USED_RESOLUTION = 60
"""Seconds: a token's last use is written at most this often, so that authenticating stays a
read on all but one request a minute per token."""
MAX_TRACKED = 10_000


class LastUseClaims:
    """Which request of this process writes a token's last use. Holds token ids and times
    only: nothing here lets a request through (the lookup decides that, every time)."""

    def __init__(self) -> None:
        self._claimed: dict[int, int] = {}

    def claim(self, token_id: int, last_used: int | None, now: int) -> bool:
        """Whether this request writes the last use: the stored one is a minute old (or there
        is none), and no other request of this process claimed the write within the minute."""
        stale_before = now - LAST_USED_RESOLUTION
        if last_used is not None and last_used > stale_before:
            return False
        claimed = self._claimed.get(token_id)
        if claimed is not None and claimed > stale_before:
            return False
        if len(self._claimed) >= MAX_TRACKED:
            self._claimed = {t: at for t, at in self._claimed.items() if at > stale_before}
            if len(self._claimed) >= MAX_TRACKED:  # that many tokens in one minute: start over
                self._claimed.clear()
        self._claimed[token_id] = now
        return True
