"""GraphQL over HTTP at ``/graphql``: POST JSON, GET for queries only, GraphiQL for browsers.

HTTP-level failures (malformed JSON, wrong content type, a mutation over GET) answer with
a GraphQL-shaped JSON body (``{"errors": [{"message", "extensions": {"code"}}]}``) instead
of Strawberry's plain-text reasons, so every client sees one error format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types import ExecutionResult

from graphql_api.config import GraphQLConfig
from graphql_api.context import Context
from graphql_api.extensions import ErrorPolicy
from graphql_api.graphiql import graphiql_html, static_routes
from graphql_api.media import (
    GRAPHQL_RESPONSE,
    JSON,
    accepts_graphql_response,
    is_request_error,
    request_error_status,
    wants_graphql_response,
)
from graphql_api.persisted import PersistedQueries, PersistedQueryError
from graphql_api.schema import build_schema
from httpkit.dialects import Dialect
from httpkit.face import Face
from httpkit.metrics import Metrics
from httpkit.ratelimit import Limiter
from httpkit.services import FaceServices

_GET_REFUSAL = "not allowed when using GET"
# A NUL character cannot be stored in PostgreSQL text; refuse it at the door, as a literal
# escape in the document or inside a variable, instead of failing deep in the database.
_NUL_ESCAPE = re.compile(r"\\u0000|\\u\{0+\}")
NUL_REFUSAL = "text must not contain NUL (\\u0000) characters"
BODY_NOT_OBJECT = "The GraphQL request body must be a JSON object."


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _error_body(message: str, code: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are text frames; orjson gives bytes, so decode them
    (Strawberry would otherwise send binary frames, which protocol clients reject)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view wired to the shared services, with orjson on both ends."""

    websocket_adapter_class = TextWebSocketAdapter

    def __init__(
        self,
        services: FaceServices,
        config: GraphQLConfig,
        cost_limiter: Limiter | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(
            build_schema(config, cost_limiter, metrics=metrics),
            graphql_ide="graphiql",
            allow_queries_via_get=True,
        )
        self.services = services
        self._ide_html = graphiql_html()
        # Errors raised outside the operation hooks (e.g. a syntax error thrown through the
        # parser cache) reach the result without passing ErrorPolicy.on_operation; the same
        # policy runs once more here, idempotently, so every error has a code and is masked.
        self._policy = ErrorPolicy(debug=config.debug, hide_suggestions=not config.introspection)
        self.persisted = PersistedQueries(config.persisted_queries)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(services=self.services, request=request)

    def decode_json(self, data: str | bytes) -> object:
        # orjson.JSONDecodeError subclasses json.JSONDecodeError: Strawberry's 400 still applies.
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        # A POSTed body (bytes) must be an object, or a list for a batch: Strawberry reads any
        # other JSON value with ``.get`` (a 500). GET's ``variables`` arrive as text and
        # Strawberry checks them itself.
        if isinstance(data, bytes) and not isinstance(parsed, dict | list):
            raise HTTPException(400, BODY_NOT_OBJECT)
        return parsed

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if self.persisted.maxsize > 0:
                self.persisted.resolve(item)
            query = item.query or ""
            if _has_nul(query) or _NUL_ESCAPE.search(query) or _has_nul(item.variables):
                raise HTTPException(400, NUL_REFUSAL)
        return data

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [self._policy.process(e) for e in result.errors]
        return await super().process_result(request, result)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        answers = response_data if isinstance(response_data, list) else [response_data]
        modern = wants_graphql_response.get()
        if modern and isinstance(response_data, dict) and is_request_error(response_data):
            # GraphQL over HTTP: a request error has no ``data`` entry and a 4xx status.
            status = request_error_status(response_data)
            body = {k: v for k, v in response_data.items() if k != "data"}
            response = Response(self.encode_json(body), status_code=status)
            response.headers.raw.extend(sub_response.headers.raw)
        else:
            response = super().create_response(response_data, sub_response)
        if modern:
            response.headers["content-type"] = GRAPHQL_RESPONSE
        # The database could not serve in time: 503 with Retry-After (the body says so too);
        # a throttled request error (429, GraphQL over HTTP) says when to come back.
        waits = [
            int(extensions.get("retryAfter", 1))
            for data in answers
            for error in data.get("errors") or []
            if isinstance(error, dict)
            for extensions in [error.get("extensions") or {}]
            if extensions.get("code") == "SERVICE_UNAVAILABLE"
            or (response.status_code == 429 and extensions.get("code") == "THROTTLED")
        ]
        if waits:
            if response.status_code != 429:
                response.status_code = 503
            response.headers["Retry-After"] = str(max(waits))
        return response

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET without ``query`` but with ``extensions`` is a persisted query, not a browser.
        return super().should_render_graphql_ide(request) and (
            "extensions" not in request.query_params
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_html)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        modern = accepts_graphql_response(request.headers.get("accept", ""))
        token = wants_graphql_response.set(modern)
        try:
            try:
                response = await self.run(request)
            except HTTPException as exc:
                response = self._http_error(exc, GRAPHQL_RESPONSE if modern else JSON)
        finally:
            wants_graphql_response.reset(token)
        await response(scope, receive, send)

    @staticmethod
    def _http_error(exc: HTTPException, media_type: str) -> Response:
        if isinstance(exc, PersistedQueryError):
            return Response(
                _error_body(exc.reason, exc.code),
                status_code=exc.status_code,
                media_type=media_type,
                headers={"Cache-Control": "private, no-cache, must-revalidate"},
            )
        if _GET_REFUSAL in exc.reason:
            # GraphQL over HTTP: a mutation must be POSTed; GET is the wrong method.
            return Response(
                _error_body("mutations must be sent with POST, not GET", "METHOD_NOT_ALLOWED"),
                status_code=405,
                media_type=media_type,
                headers={"Allow": "POST"},
            )
        code = "BAD_REQUEST" if exc.status_code == 400 else "HTTP_ERROR"
        if exc.status_code == 405:
            code = "METHOD_NOT_ALLOWED"
        return Response(
            _error_body(exc.reason, code),
            status_code=exc.status_code,
            media_type=media_type,
        )


_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "UNPROCESSABLE_CONTENT",
    429: "RATE_LIMITED",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(status: int, message: str, accept: str) -> tuple[bytes, str]:
    """An HTTP-level error as GraphQL over HTTP lists errors, with ``extensions.code``."""
    media_type = GRAPHQL_RESPONSE if accepts_graphql_response(accept) else JSON
    return _error_body(message, _CODES.get(status, "HTTP_ERROR")), media_type


def face(
    services: FaceServices,
    config: GraphQLConfig,
    cost_limiter: Limiter | None = None,
    metrics: Metrics | None = None,
) -> Face:
    """The GraphQL face: ``/graphql`` (HTTP and WebSocket) and GraphiQL's static files;
    ``cost_limiter`` keeps each caller's budget of points (graphql_api/throttle.py);
    ``metrics`` counts operations by name and cost."""
    view = GraphQLApp(services, config, cost_limiter, metrics)
    routes: list[BaseRoute] = [
        # Other methods answer 405 in this face's error body (httpkit's guard, error_body).
        Route("/graphql", view, methods=["GET", "POST"]),
        # Subscriptions: graphql-transport-ws (and legacy graphql-ws) on the same path.
        WebSocketRoute("/graphql", view),
        *static_routes(),
    ]
    # "/graphql" and what is under "/graphql/"; "/graphqlx" is no GraphQL path.
    return Face("graphql", routes, (Dialect("graphql", ("/graphql/",), error_body),))
