"""Small HTTP pieces shared by every face: JSON responses, body parsing, health, web login."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clientgate.container import Services
from core.shared.errors import AuthenticationFailed, DomainError, InvalidInput


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


def health_routes(services: Services) -> list[Route]:
    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            async with services.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    return [Route("/healthz", healthz), Route("/readyz", readyz)]


def auth_routes(services: Services) -> list[Route]:
    """``POST /auth/login`` (web users) and ``POST /auth/logout`` (session token)."""

    async def login(request: Request) -> Response:
        try:
            body = await json_body(request, 64 * 1024)
        except MalformedBody as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return JSONResponse(
                {"error": "username and password are required strings"}, status_code=400
            )
        try:
            session = await services.accounts.login(username, password)
        except AuthenticationFailed as exc:
            return JSONResponse({"error": exc.message}, status_code=401)
        return JSONResponse(
            {"token": session.token, "tokenType": "Bearer", "expiresAt": session.expires_at}
        )

    async def logout(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return JSONResponse({"error": "a Bearer session token is required"}, status_code=401)
        if not await services.accounts.logout(token.strip()):
            return JSONResponse({"error": "unknown or already closed session"}, status_code=401)
        return Response(status_code=204)

    return [
        Route("/auth/login", login, methods=["POST"]),
        Route("/auth/logout", logout, methods=["POST"]),
    ]


def invalid_input_message(exc: InvalidInput) -> str:
    return "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
