"""Rule 1 of ARCHITECTURE.md: the core imports no framework and no outer layer."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "sqlalchemy",
    "strawberry",
    "starlette",
    "graphql_api",
    "rest_compat",
    "clientgate",
    "alembic",
}


def test_core_outside_storage_is_pure() -> None:
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        if "storage" in path.relative_to(ROOT / "core").parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_the_rule_sees_a_violation(tmp_path: Path) -> None:
    tree = ast.parse("from sqlalchemy import select\n")
    node = tree.body[0]
    assert isinstance(node, ast.ImportFrom) and node.module.split(".")[0] in FORBIDDEN
