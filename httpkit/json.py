"""JSON bodies and answers, the same for every face: orjson both ways, a size bound, and
NUL characters refused (PostgreSQL cannot store them, and no field has a use for them)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from core.shared.errors import DomainError


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class MalformedBody(DomainError):
    """The body is not JSON, or not of the expected top-level shape."""

    code = "MALFORMED_BODY"


def _nul_at(value: Any, path: str = "") -> str | None:
    """Where the first text with a NUL character is (``[0].idRemote``), or None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = _nul_at(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_at(item, f"{path}[{index}]")
            if found:
                return found
    return None


def decode_json(raw: bytes) -> Any:
    """Parse a JSON body. Text with NUL characters is refused here, for every dialect:
    PostgreSQL cannot store it, and no field of ours has a use for it."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody(f"malformed JSON: {exc.msg} at position {exc.pos}") from None
    # JSON can only carry NUL as an escape, so most bodies skip the walk.
    where = _nul_at(body) if b"\\u0000" in raw else None
    if where:
        raise MalformedBody(f"{where}: must not contain NUL (\\u0000) characters")
    return body


async def json_body(request: Request, max_bytes: int = 5 * 1024 * 1024) -> Any:
    raw = await request.body()
    if len(raw) > max_bytes:
        raise MalformedBody(f"body larger than {max_bytes} bytes")
    if not raw.strip():
        raise MalformedBody("a JSON body is required")
    return decode_json(raw)
