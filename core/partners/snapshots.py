"""A partner's whole state as plain data: what the deletion history keeps."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core.partners.model import Partner, PartnerRelated


def snapshot_of(partner: Partner, related: PartnerRelated) -> dict[str, Any]:
    company = related.companies.get(partner.company_id)
    contacts = related.contacts.get(partner.id, [])
    return {
        "partner": asdict(partner),
        "company": asdict(company) if company else None,
        "locations": [asdict(loc) for loc in related.locations.get(partner.id, [])],
        "contacts": [
            {**asdict(c), "methods": [asdict(m) for m in related.methods.get(c.id, [])]}
            for c in contacts
        ],
    }
