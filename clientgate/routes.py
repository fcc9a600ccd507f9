"""The root's own routes: health, readiness, and web login/logout."""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clientgate.container import Services
from core.shared.errors import AuthenticationFailed
from core.storage.migrate import migrations_pending
from httpkit.json import JSONResponse, MalformedBody, json_body


def health_routes(services: Services) -> list[Route]:
    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        """Ready when the database answers and is at the migrations this code ships (503 with
        ``"migrations": "pending"`` while ``clientgate migrate`` has not run)."""
        try:
            async with services.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                pending = await migrations_pending(conn)
        except Exception as exc:
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        if pending:
            return JSONResponse(
                {"status": "unavailable", "database": "ok", "migrations": "pending"},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "database": "ok", "migrations": "ok"})

    return [Route("/healthz", healthz), Route("/readyz", readyz)]


AUTH_BODY_BYTES = 64 * 1024


def auth_routes(services: Services) -> list[Route]:
    """``POST /auth/login`` (web users) and ``POST /auth/logout`` (session token)."""

    async def login(request: Request) -> Response:
        try:
            body = await json_body(request, AUTH_BODY_BYTES)
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
