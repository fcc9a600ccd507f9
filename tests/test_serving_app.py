"""``clientgate serve``'s app factory leaves the started app's objects out of the collector's
full collections (their pauses were the p99 of a loaded run)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from clientgate.app import create_app_from_env
from tests.conftest import SECRET


def test_the_serving_factory_freezes_what_start_up_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CLIENTGATE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/s.db")
    monkeypatch.setenv("CLIENTGATE_SECRET_KEY", SECRET)
    monkeypatch.setenv("CLIENTGATE_VAR_DIR", str(tmp_path))
    gc.unfreeze()
    try:
        app = create_app_from_env()
        assert gc.get_freeze_count() > 10_000
        assert app.state.services is not None
    finally:
        gc.unfreeze()
