"""Safe retries: ``Idempotency-Key`` on the requests that write (Stripe's semantics, which the
IETF httpapi draft follows; docs/idempotency.md).

For a request of an ``IdempotentRoute`` that carries the header and a valid credential, the
middleware asks the core (``core.idempotency``) what the key means for this request:

- new key: the request runs; a successful answer (2xx, or what the route calls success) is kept
  per account and key, its status, content type and body byte for byte, *before* the caller
  sees it; any other answer (a validation failure, a 404, a 500...) keeps nothing, so a retry
  with a corrected body and the same key runs anew;
- the key's answer is kept: it is replayed, with ``Idempotent-Replayed: true``;
- the key was used with another request (method, path, query or body differ): 422;
- the key's request is still being answered: 409 with ``Retry-After``;
- a malformed key (1 to 255 printable ASCII characters; the draft's quoted form ``"…"`` too): 400.

Refusals are in the dialect of the path. A request without a valid credential is passed on
untouched (its route answers 401). Nothing of a key, a body or an answer is logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.accounts.model import Principal
from core.accounts.service import AccountService
from core.idempotency.errors import InvalidIdempotencyKey, KeyReused, RequestInFlight
from core.idempotency.model import Answer, Claim
from core.idempotency.rules import MAX_KEY_LENGTH, check_key
from core.idempotency.service import IdempotencyService
from core.shared.errors import AuthenticationFailed, DomainError
from httpkit.auth import authenticate, remember_principal
from httpkit.dialects import Dialects
from httpkit.logging import log

HEADER = b"idempotency-key"
REPLAYED = (b"idempotent-replayed", b"true")


def succeeded_2xx(status: int, body: bytes) -> bool:
    return 200 <= status < 300


@dataclass(frozen=True)
class IdempotentRoute:
    """Requests the header applies to: ``method`` on ``path`` (or under it, ``prefix``)."""

    method: str
    path: str
    prefix: bool = False
    applies: Callable[[bytes], bool] | None = None
    """Whether the key applies to a request with this body (GraphQL: a mutation); a request it
    does not apply to simply runs."""
    succeeded: Callable[[int, bytes], bool] = succeeded_2xx
    """Whether an answer is kept for replays (``(status, body)``)."""

    def matches(self, method: str, path: str) -> bool:
        if method != self.method:
            return False
        return path.startswith(self.path) if self.prefix else path == self.path


def presented_key(scope: Scope) -> str | None:
    """The request's ``Idempotency-Key``, or None. Raises ``InvalidIdempotencyKey`` for a
    malformed one or for several."""
    values = [value for name, value in scope["headers"] if name == HEADER]
    if not values:
        return None
    if len(values) > 1:
        raise InvalidIdempotencyKey(MAX_KEY_LENGTH)
    key = values[0].decode("latin-1").strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]  # the IETF draft sends the key as a structured-field string
    return check_key(key)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app, handing over the body already read."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # a disconnect, when it comes

    return replay


class _HeldAnswer:
    """The app's answer, held until it is complete so that it is kept before the caller sees
    it (a caller retrying at once is replayed, not told "in flight"). Once it outgrows what
    can be kept, it is passed on as it comes."""

    def __init__(self, send: Send, limit: int) -> None:
        self._send = send
        self._limit = limit
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._size = 0
        self.complete = False
        self.passing = False

    async def __call__(self, message: Message) -> None:
        if self.passing:
            await self._send(message)
        elif message["type"] == "http.response.start":
            self._start = message
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self._chunks.append(chunk)
            self._size += len(chunk)
            self.complete = not message.get("more_body", False)
            if self._size > self._limit:
                self.passing = True
                await self.release()
        else:
            await self._send(message)

    def answer(self) -> Answer | None:
        if self.passing or not self.complete or self._start is None:
            return None
        content_type = next(
            (v for k, v in self._start.get("headers", []) if k.lower() == b"content-type"), b""
        )
        return Answer(self._start["status"], content_type.decode("latin-1"), b"".join(self._chunks))

    async def release(self) -> None:
        """Send what is held."""
        if self._start is not None:
            await self._send(self._start)
            self._start = None
        if self._chunks or self.complete:
            body, self._chunks = b"".join(self._chunks), []
            await self._send(
                {"type": "http.response.body", "body": body, "more_body": not self.complete}
            )


class IdempotencyMiddleware:
    """Pure ASGI middleware; see the module's docstring. It sits inside the body limit (the
    body it reads is bounded) and the rate limiter (whose verified principal it reuses)."""

    def __init__(
        self,
        app: ASGIApp,
        service: IdempotencyService,
        accounts: AccountService,
        dialects: Dialects,
        routes: Sequence[IdempotentRoute],
        served: Callable[[Scope], bool] | None = None,
    ) -> None:
        self.app = app
        self.service = service
        self.accounts = accounts
        self.dialects = dialects
        self.routes = tuple(routes)
        # Whether the application has a route for the request's path and method: a method the
        # path does not take gets the router's 405, not a key's 422 or 409.
        self.served = served

    def _route(self, scope: Scope) -> IdempotentRoute | None:
        if scope["type"] != "http" or not any(name == HEADER for name, _ in scope["headers"]):
            return None
        route = next((r for r in self.routes if r.matches(scope["method"], scope["path"])), None)
        if route is None or (self.served is not None and not self.served(scope)):
            return None
        return route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope)
        if route is None:
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        try:
            principal = await authenticate(conn, self.accounts)
        except AuthenticationFailed:
            await self.app(scope, receive, send)  # its route answers 401
            return
        remember_principal(conn, principal)  # the route does not verify it again
        try:
            key = presented_key(scope)
            body = await Request(scope, receive).body()
        except InvalidIdempotencyKey as exc:
            await self._refuse(scope, send, 400, exc)
            return
        except ClientDisconnect:
            return
        receive = _replaying(body, receive)
        if key is None or (route.applies is not None and not route.applies(body)):
            await self.app(scope, receive, send)
            return
        await self._with_key(scope, receive, send, route, principal, key, body)

    async def _with_key(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: IdempotentRoute,
        principal: Principal,
        key: str,
        body: bytes,
    ) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        target = f"{scope['path']}?{query}" if query else scope["path"]
        fingerprint = self.service.fingerprint(scope["method"], target, body)
        try:
            outcome = await self.service.begin(principal, key, fingerprint)
        except KeyReused as exc:
            await self._refuse(scope, send, 422, exc)
            return
        except RequestInFlight as exc:
            await self._refuse(scope, send, 409, exc, {"Retry-After": "1"})
            return
        if isinstance(outcome, Answer):
            log.info("idempotent_replay", account=principal.account_id, status=outcome.status)
            await _replay(send, outcome)
            return
        await self._answer_once(scope, receive, send, route, principal, outcome)

    async def _answer_once(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: IdempotentRoute,
        principal: Principal,
        claim: Claim,
    ) -> None:
        held = _HeldAnswer(send, self.service.max_answer_bytes)
        try:
            await self.app(scope, receive, held)
        except BaseException:
            await self._forget(principal, claim)
            raise
        answer = held.answer()
        if answer is not None and route.succeeded(answer.status, answer.body):
            await self._keep(principal, claim, answer)
        else:
            await self._forget(principal, claim)
        await held.release()

    async def _keep(self, principal: Principal, claim: Claim, answer: Answer) -> None:
        try:
            kept = await self.service.finish(principal, claim, answer)
        except Exception as exc:
            # The write happened: the caller still gets its answer. A retry after the lease
            # runs anew (docs/idempotency.md).
            log.warning("idempotency_store_failed", error=type(exc).__name__)
            return
        if not kept:
            log.warning("idempotency_answer_not_kept", account=principal.account_id)

    async def _forget(self, principal: Principal, claim: Claim) -> None:
        try:
            await self.service.release(principal, claim)
        except Exception as exc:
            # The key stays held until its lease runs out; then a retry takes it over.
            log.warning("idempotency_release_failed", error=type(exc).__name__)

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        status: int,
        exc: DomainError,
        headers: dict[str, str] | None = None,
    ) -> None:
        accept = HTTPConnection(scope).headers.get("accept", "")
        response = self.dialects.response(scope["path"], status, exc.message, accept, headers)
        await response(scope, _no_receive, send)


async def _replay(send: Send, answer: Answer) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", answer.content_type.encode("latin-1")),
                (b"content-length", str(len(answer.body)).encode()),
                REPLAYED,
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body})


async def _no_receive() -> Message:  # the refusals read nothing
    return {"type": "http.disconnect"}
