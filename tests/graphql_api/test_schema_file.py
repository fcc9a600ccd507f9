"""``schema.graphql`` is generated from the code; a stale file fails here."""

from __future__ import annotations

import difflib
from pathlib import Path

from graphql_api.schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_is_up_to_date() -> None:
    current = schema_sdl()
    committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
    if committed != current:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "schema.graphql (committed)",
                "schema_sdl() (code)",
                n=1,
            )
        )
        raise AssertionError(
            "schema.graphql is stale; regenerate it with\n"
            "    .venv/bin/clientgate export-schema -o schema.graphql   (or: make schema)\n"
            + diff[:4000]
        )
