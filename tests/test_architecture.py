"""Rule 1 of ARCHITECTURE.md: imports point down the picture only.

Every import of every module is parsed (function-local and ``TYPE_CHECKING`` ones included,
relative ones resolved) and checked against the allow-list of its layer:

- ``core`` (outside ``core.storage``) imports ``core`` and no framework;
- ``core.storage`` imports ``core`` (and SQLAlchemy/Alembic: it is the only place that may);
- ``httpkit`` imports ``core`` (not its storage adapter);
- a face imports ``core`` (not its storage adapter), ``httpkit`` and itself; a dialect never
  imports another dialect;
- ``clientgate`` (the composition root) imports anything, and nothing imports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("core", "httpkit", "graphql_api", "rest_compat", "clientgate")
FRAMEWORKS = (
    "sqlalchemy",
    "alembic",
    "strawberry",
    "graphql",
    "starlette",
    "uvicorn",
    # I/O clients: the pure core reaches the database and the network through ports.
    "asyncpg",
    "httpcore",
    "httpx",
)


def layer(module: str) -> str:
    """``core``, ``core.storage``, ``httpkit``, ``graphql_api``, ``rest_compat.<dialect>``,
    ``clientgate`` or ``rest_compat`` (the package's own ``__init__``)."""
    parts = module.split(".")
    if parts[0] == "core" and len(parts) > 1 and parts[1] == "storage":
        return "core.storage"
    if parts[0] == "rest_compat" and len(parts) > 1:
        return f"rest_compat.{parts[1]}"
    return parts[0]


def allowed(importer: str, imported: str) -> bool:
    source, target = layer(importer), imported.split(".")[0]
    if target not in FIRST_PARTY:
        # Third-party: only the pure core is restricted.
        return source != "core" or target not in FRAMEWORKS
    target_layer = layer(imported)
    if source == "clientgate":
        return True
    if target_layer == "clientgate":
        return False
    rules = {
        "core": {"core"},
        "core.storage": {"core", "core.storage"},
        "httpkit": {"core", "httpkit"},
        "graphql_api": {"core", "httpkit", "graphql_api"},
    }
    if source.startswith("rest_compat"):
        return target_layer in {"core", "httpkit", source}
    return target_layer in rules.get(source, set())


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in the file, at any depth."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target


def violations(root: Path) -> list[str]:
    found = []
    for top in FIRST_PARTY:
        for path in sorted((root / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            importer = module_name(path, root)
            for line, imported in imports(path, root):
                if not allowed(importer, imported):
                    found.append(f"{path.relative_to(root)}:{line}: {imported}")
    return found


def test_imports_point_down_the_picture() -> None:
    assert violations(ROOT) == []


def test_the_scanner_sees_planted_violations(tmp_path: Path) -> None:
    planted = {
        "core/clients/bad.py": "import sqlalchemy\n",
        "core/accounts/local.py": "def f():\n    from graphql_api import schema\n",
        "httpkit/bad.py": "from rest_compat.bsale import routes\n",
        "graphql_api/bad.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from clientgate.container import Services\n",
        "rest_compat/bsale/bad.py": "from rest_compat.resellers.routes import face\n",
        "rest_compat/resellers/rel.py": "from ..business_partner import render\n",
        "rest_compat/business_partner/ok.py": "from . import render\nfrom httpkit import json\n",
        "clientgate/ok.py": "import graphql_api.app\nimport rest_compat.bsale\n",
        "core/storage/ok.py": "import sqlalchemy\nfrom core.clients import model\n",
    }
    for name, text in planted.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for top in FIRST_PARTY:
        (tmp_path / top).mkdir(exist_ok=True)
    assert violations(tmp_path) == [
        "core/accounts/local.py:2: graphql_api",
        "core/clients/bad.py:1: sqlalchemy",
        "httpkit/bad.py:1: rest_compat.bsale",
        "graphql_api/bad.py:3: clientgate.container",
        "rest_compat/bsale/bad.py:1: rest_compat.resellers.routes",
        "rest_compat/resellers/rel.py:1: rest_compat.business_partner",
    ]
