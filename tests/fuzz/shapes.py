"""What every answer must look like, written from the docs (not from the product's own
dialect table, so a wrong entry there is caught too):

- never a 5xx;
- ``/graphql`` (and paths under it): GraphQL's body (``{"data"...}`` and/or
  ``{"errors": [{"message", "extensions": {"code"}}]}``), and no error masked as
  ``INTERNAL_SERVER_ERROR``;
- ``/BusinessPartner/...`` and ``/api/database/...``: errors are ``{"code": N, "error": "..."}``
  with ``code`` equal to the status, or the ``<export><code/><error/></export>`` XML when the
  request's Accept prefers XML;
- everything else (Bsale, resellers, auth, the root's paths): errors are ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import orjson

from tests.fuzz.known import known
from tests.fuzz.profile import REPORT

GRAPHQL = "graphql"
PARTNER = "business_partner"
PLAIN = "plain"

_XML_TYPES = ("application/xml", "text/xml")


def dialect_of(path: str) -> str:
    if path == "/graphql" or path.startswith("/graphql/"):
        return GRAPHQL
    if path == "/BusinessPartner" or path.startswith(("/BusinessPartner/", "/api/database/")):
        return PARTNER
    return PLAIN


_USUAL_HEADERS = ("host", "accept-encoding", "connection", "user-agent", "content-length")


class OffShape(AssertionError):
    pass


def _fail(response: httpx.Response, why: str) -> OffShape:
    request = response.request
    body = request.content
    headers = {k: v for k, v in request.headers.items() if k not in _USUAL_HEADERS}
    return OffShape(
        f"{why}\n  request: {request.method} {request.url} headers={headers!r} "
        f"body={body[:600]!r}{'...' if len(body) > 600 else ''}\n"
        f"  answer: {response.status_code} {response.headers.get('content-type')!r} "
        f"{response.content[:600]!r}"
    )


def _json(response: httpx.Response) -> Any:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media != "application/json":
        raise _fail(response, f"expected a JSON answer, got content-type {media!r}")
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise _fail(response, "the answer is not valid JSON") from None


def _check_graphql_errors(response: httpx.Response, errors: Any) -> None:
    if not isinstance(errors, list) or not errors:
        raise _fail(response, "'errors' must be a non-empty list")
    for error in errors:
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            raise _fail(response, "each GraphQL error needs a string 'message'")
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(code, str):
            raise _fail(response, "each GraphQL error needs 'extensions.code'")
        if code in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"):
            raise _fail(response, f"a GraphQL error answered {code}")


def check_graphql(response: httpx.Response) -> None:
    if response.request.method == "HEAD" or response.status_code == 204:
        return
    if response.is_redirect and response.headers.get("location"):
        return  # Starlette's slash redirect (``/graphql/`` → ``/graphql``), as for REST paths
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code == 200 and media == "text/html":
        return  # GraphiQL, for a GET that asks for HTML
    body = _json(response)
    if not isinstance(body, dict):
        raise _fail(response, "a GraphQL answer is a JSON object")
    if response.status_code >= 400:
        _check_graphql_errors(response, body.get("errors"))
        return
    if "data" not in body and "errors" not in body:
        raise _fail(response, "a GraphQL answer has 'data' or 'errors'")
    if "errors" in body:
        _check_graphql_errors(response, body["errors"])
    if body.get("data") is not None:
        cost = (body.get("extensions") or {}).get("cost")
        if not isinstance(cost, dict) or not isinstance(cost.get("requestedQueryCost"), int):
            raise _fail(response, "an executed operation reports extensions.cost")


def _prefers_xml(accept: str) -> bool:
    """The BusinessPartner rule (docs/business_partner.md): XML when an XML type comes before
    JSON in Accept, or without JSON; quality values are not weighed."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in _XML_TYPES:
            return True
        if media == "application/json":
            return False
    return False


def _check_partner_error(response: httpx.Response) -> None:
    accept = response.request.headers.get("accept", "")
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media in _XML_TYPES:
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError:
            raise _fail(response, "the XML answer does not parse") from None
        code, error = root.findtext("code"), root.findtext("error")
        if root.tag != "export" or code != str(response.status_code) or error is None:
            raise _fail(response, "an XML error is <export><code>N</code><error>..")
        return
    if _prefers_xml(accept):
        raise _fail(response, "Accept asked for XML")
    body = _json(response)
    if (
        not isinstance(body, dict)
        or body.get("code") != response.status_code
        or not isinstance(body.get("error"), str)
    ):
        raise _fail(response, 'a BusinessPartner error is {"code": N, "error": "..."}')


def check_rest(response: httpx.Response) -> None:
    path = response.request.url.path
    if response.status_code >= 500:
        raise _fail(response, "a 5xx answer")
    if response.status_code < 400 or response.request.method == "HEAD":
        return
    if dialect_of(path) == PARTNER:
        _check_partner_error(response)
        return
    body = _json(response)
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        raise _fail(response, 'an error is {"error": "..."}')
    if response.status_code == 405 and not response.headers.get("allow"):
        raise _fail(response, "a 405 names the allowed methods")


def check_answer(response: httpx.Response) -> None:
    """Raises ``OffShape`` (naming the request and the answer) unless the answer is right."""
    if response.status_code >= 500:
        raise _fail(response, "a 5xx answer")
    if dialect_of(response.request.url.path) == GRAPHQL:
        check_graphql(response)
    else:
        check_rest(response)


def judge(response: httpx.Response) -> None:
    """``check_answer``, except for wrong answers already reported (known.py); with
    ``CLIENTGATE_FUZZ_REPORT`` set, a wrong answer is appended to that file (one JSON line,
    known ones marked) and the run goes on."""
    try:
        check_answer(response)
    except OffShape as exc:
        entry = known(response)
        if REPORT is not None:
            line = {
                "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0],
                "problem": str(exc),
                "status": response.status_code,
                "known": entry.why if entry else None,
            }
            with open(REPORT, "a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        elif entry is None:
            raise
