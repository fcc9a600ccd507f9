"""Check that the floor does the same work as clientgate: one REST list response of each,
compared field by field (the base URL aside)."""

from __future__ import annotations

from typing import Any

import httpx

from bench import scenarios
from bench.seed import Seeded
from bench.server import Server


def _normalise(value: Any, base: str) -> Any:
    if isinstance(value, dict):
        return {k: _normalise(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, base) for v in value]
    if isinstance(value, str):
        return value.replace(base, "BASE")
    return value


def diff(a: Any, b: Any, path: str = "$") -> list[str]:
    """Paths where ``a`` and ``b`` differ (keys missing on either side, values, types)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a:
                out.append(f"{path}.{key}: only in floor")
            elif key not in b:
                out.append(f"{path}.{key}: only in clientgate")
            else:
                out.extend(diff(a[key], b[key], f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items vs {len(b)}"]
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in diff(x, y, f"{path}[{i}]")
        ]
    if a != b or type(a) is not type(b):
        return [f"{path}: {a!r} vs {b!r}"]
    return []


def _generic(path: str) -> str:
    """``$.items[3].contacts.items[1].id`` -> ``items[].contacts.items[].id``."""
    import re

    return re.sub(r"\[\d+\]", "[]", path)


def compare_lists(app: Server, floor: Server, seeded: Seeded) -> dict[str, Any]:
    path = scenarios.rest_list(seeded).paths[0]
    headers = {"access_token": seeded.token}
    a = httpx.get(app.base_url + path, headers=headers, timeout=30)
    f = httpx.get(floor.base_url + path, headers=headers, timeout=30)
    if a.status_code != 200:
        return {"verdict": f"clientgate answered {a.status_code}", "body": a.text[:300]}
    differences = diff(_normalise(a.json(), app.base_url), _normalise(f.json(), floor.base_url))
    kinds = sorted({_generic(d.split(":", 1)[0]) for d in differences})
    return {
        "path": path,
        "clientgate_bytes": len(a.content),
        "floor_bytes": len(f.content),
        "differences": len(differences),
        "difference_kinds": kinds[:30],
        "examples": differences[:10],
        "verdict": "identical" if not differences else f"{len(differences)} differences",
    }
