"""Responses in the dialect: JSON by default, the documented ``<export>`` XML on request,
and the error body ``{"code": N, "error": "..."}`` in either."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

import orjson
from starlette.requests import Request
from starlette.responses import Response

XML_TYPES = ("application/xml", "text/xml")
# Characters XML 1.0 cannot carry at all, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def wants_xml(request: Request) -> bool:
    """XML when Accept names application/xml or text/xml before (or without) JSON."""
    accept = request.headers.get("accept", "").lower()
    positions = [accept.find(t) for t in XML_TYPES if t in accept]
    if not positions:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or min(positions) < json_at


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(_INVALID_XML.sub("", str(value)))


def _element(out: list[str], name: str, value: Any) -> None:
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, child in value.items():
            _element(out, key, child)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        # A nested list repeats its element once per item, as the seed's <locations> show.
        for child in value:
            _element(out, name, child)
    elif value is None:
        out.append(f"<{name}/>")
    else:
        out.append(f"<{name}>{_scalar(value)}</{name}>")


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
    if wants_xml(request):
        return Response(to_xml(body), status_code, headers, media_type="application/xml")
    return Response(orjson.dumps(body), status_code, headers, media_type="application/json")


def error(request: Request, status_code: int, message: str) -> Response:
    return respond(request, {"code": status_code, "error": message}, status_code)
