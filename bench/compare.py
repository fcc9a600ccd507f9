"""Check that a floor gives clientgate's answer before it is measured: one request of the
scenario to each server, the two JSON answers compared after parsing, field by field.

REST answers carry the server's own base URL in every ``href``; it is replaced by ``BASE`` on
both sides first. A create (REST POST, GraphQL ``createClient``) cannot give identical answers:
each server writes its own row, so the generated parts differ. Those are checked for shape
and then replaced by placeholders: the new id (``id`` in REST, ``databaseId`` and the global
``id`` in GraphQL, and the id inside the ``href``s) must be a new positive integer, the same
on every field that carries it, and the timestamps (``createdAt``/``updatedAt``, Unix seconds in
REST, ISO 8601 in GraphQL) must be within ``CLOCK_SLACK`` seconds of now. Every other field
must be equal.
"""

from __future__ import annotations

import base64
import re
import time
from datetime import datetime
from typing import Any

import httpx

from bench.server import Server
from bench.wrk import Request

CLOCK_SLACK = 300
NEW_ID = "<new id>"
NOW = "<now>"


def _normalise(value: Any, base: str) -> Any:
    if isinstance(value, dict):
        return {k: _normalise(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, base) for v in value]
    if isinstance(value, str):
        return value.replace(base, "BASE")
    return value


def diff(a: Any, b: Any, path: str = "$") -> list[str]:
    """Paths where ``a`` (clientgate) and ``b`` (floor) differ: keys missing on either side,
    values, types, list lengths."""
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
    """``$.items[3].contacts.items[1].id`` -> ``$.items[].contacts.items[].id``."""
    return re.sub(r"\[\d+\]", "[]", path)


def _recent(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = datetime.fromisoformat(value).timestamp()
        except ValueError:
            return False
    else:
        return False
    return abs(seconds - time.time()) <= CLOCK_SLACK


def _created(answer: Any) -> tuple[dict[str, Any] | None, str]:
    """The created object inside an answer (the REST body, or GraphQL's
    ``data.createClient.client``) and the key of its numeric id."""
    if isinstance(answer, dict) and "data" in answer:
        client = ((answer.get("data") or {}).get("createClient") or {}).get("client")
        return (client if isinstance(client, dict) else None), "databaseId"
    return (answer if isinstance(answer, dict) else None), "id"


def _mask_generated(answer: Any) -> list[str]:
    """Replace, in place, what a create generates (see the module docstring); the problems
    found on the way (a missing id, a stale timestamp, a global id for another id)."""
    obj, id_key = _created(answer)
    if obj is None:
        return ["no created object in the answer"]
    new_id = obj.get(id_key)
    if not isinstance(new_id, int) or isinstance(new_id, bool) or new_id < 1:
        return [f"{id_key} is not a new positive id: {new_id!r}"]
    problems = []
    obj[id_key] = NEW_ID
    if id_key == "databaseId":
        expected = base64.b64encode(f"Client:{new_id}".encode()).decode()
        if obj.get("id") != expected:
            problems.append(f"global id {obj.get('id')!r} is not Client:{new_id}")
        obj["id"] = NEW_ID
    for key in ("createdAt", "updatedAt"):
        if not _recent(obj.get(key)):
            problems.append(f"{key} {obj.get(key)!r} is not within {CLOCK_SLACK} s of now")
        obj[key] = NOW
    mark = f"/clients/{new_id}"
    for key, value in obj.items():
        if isinstance(value, str):
            obj[key] = value.replace(mark + ".", f"/clients/{NEW_ID}.").replace(
                mark + "/", f"/clients/{NEW_ID}/"
            )
        elif isinstance(value, dict) and isinstance(value.get("href"), str):
            value["href"] = value["href"].replace(mark + "/", f"/clients/{NEW_ID}/")
    return problems


def _send(server: Server, req: Request) -> httpx.Response:
    path, body = req.first()
    return httpx.request(
        req.method, server.base_url + path, headers=req.headers, content=body, timeout=30
    )


def compare(app: Server, floor: Server, req: Request, *, creates: bool = False) -> dict[str, Any]:
    """One request of ``req`` to each server; ``equal`` is True only when both answered 2xx
    with the same JSON (generated parts of a create aside, when ``creates``)."""
    a, f = _send(app, req), _send(floor, req)
    out: dict[str, Any] = {
        "request": f"{req.method} {req.first()[0]}",
        "status": [a.status_code, f.status_code],
        "clientgate_bytes": len(a.content),
        "floor_bytes": len(f.content),
    }
    if a.status_code >= 300 or f.status_code != a.status_code:
        out.update(equal=False, verdict=f"status {a.status_code} vs {f.status_code}")
        out["bodies"] = [a.text[:300], f.text[:300]]
        return out
    ja, jf = _normalise(a.json(), app.base_url), _normalise(f.json(), floor.base_url)
    problems: list[str] = []
    if creates:
        problems += [f"clientgate: {p}" for p in _mask_generated(ja)]
        problems += [f"floor: {p}" for p in _mask_generated(jf)]
    elif isinstance(ja, dict) and ja.get("errors"):
        problems.append(f"clientgate answered errors: {ja['errors']}")
    differences = problems + diff(ja, jf)
    out["identical_bytes"] = not creates and a.content == f.content.replace(
        floor.base_url.encode(), app.base_url.encode()
    )
    out["differences"] = len(differences)
    out["difference_kinds"] = sorted({_generic(d.split(":", 1)[0]) for d in differences})[:30]
    out["examples"] = differences[:10]
    out["equal"] = not differences
    if differences:
        out["verdict"] = f"{len(differences)} differences"
    elif creates:
        out["verdict"] = "equal apart from the generated id and timestamps"
    else:
        out["verdict"] = "identical" if out["identical_bytes"] else "equal after parsing"
    return out
