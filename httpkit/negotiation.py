"""Content negotiation shared by the faces that answer in more than one format."""

from __future__ import annotations

XML_TYPES = ("application/xml", "text/xml")


def prefers_xml(accept: str) -> bool:
    """XML when ``Accept`` names application/xml or text/xml before (or without) JSON."""
    accept = accept.lower()
    positions = [accept.find(t) for t in XML_TYPES if t in accept]
    if not positions:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or min(positions) < json_at
