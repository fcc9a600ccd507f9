"""Responses in the dialect: JSON by default, the documented ``<export>`` XML on request,
and the error body ``{"code": N, "error": "..."}`` in either."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from httpkit.negotiation import prefers_xml

# One str.translate pass per value: escape &, < and >, and drop the characters XML 1.0 cannot
# carry at all, even escaped (C0 controls but tab/LF/CR, U+FFFE, U+FFFF).
_XML_TEXT: dict[int, str | None] = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_XML_TEXT.update(
    {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
)


def _element(out: list[str], name: str, value: Any) -> None:
    kind = type(value)
    if kind is str:
        out.append(f"<{name}>{value.translate(_XML_TEXT)}</{name}>")
    elif kind is bool:
        out.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    elif value is None:
        out.append(f"<{name}/>")
    elif kind is dict:
        out.append(f"<{name}>")
        for key, child in value.items():
            _element(out, key, child)
        out.append(f"</{name}>")
    elif kind is list:
        # A nested list repeats its element once per item, as the seed's <locations> show.
        for child in value:
            _element(out, name, child)
    else:
        out.append(f"<{name}>{str(value).translate(_XML_TEXT)}</{name}>")


def to_xml(body: dict[str, Any]) -> bytes:
    """``{"data": [...], "pagination": {...}}`` as ``<export><data><item>...``."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<export>']
    for key, value in body.items():
        if key == "data" and isinstance(value, list):
            out.append("<data>")
            for item in value:
                _element(out, "item", item)
            out.append("</data>")
        else:
            _element(out, key, value)
    out.append("</export>\n")
    return "".join(out).encode()


def respond(
    request: Request,
    body: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    if prefers_xml(request.headers.get("accept", "")):
        return Response(to_xml(body), status_code, headers, media_type="application/xml")
    return Response(orjson.dumps(body), status_code, headers, media_type="application/json")


def error(request: Request, status_code: int, message: str) -> Response:
    return respond(request, {"code": status_code, "error": message}, status_code)


def error_body(status: int, message: str, accept: str) -> tuple[bytes, str]:
    """An error in the dialect, for whatever answers around the routes (rate limiter, body
    limit, unknown paths): ``{"code": N, "error": ...}``, or the same in the ``<export>`` XML
    when Accept asks for XML."""
    body = {"code": status, "error": message}
    if prefers_xml(accept):
        return to_xml(body), "application/xml"
    return orjson.dumps(body), "application/json"
