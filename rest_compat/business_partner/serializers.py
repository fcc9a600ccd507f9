"""Entities → the dialect's JSON shapes, field by field as the seed documents them."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from core.partners import geo
from core.partners.model import (
    Catalogs,
    ContactMethod,
    Location,
    Partner,
    PartnerContact,
    PartnerRelated,
)
from core.shared.pagination import OffsetPage

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def stamp(ts: int) -> str:
    """Unix seconds as ``YYYY-MM-DD HH:MM:SS`` (UTC), the format ``updatedFrom`` accepts."""
    return datetime.fromtimestamp(ts, UTC).strftime(DATE_FORMAT)


def pagination(request: Request, page: OffsetPage[Any]) -> dict[str, Any]:
    current = page.offset // page.limit + 1
    total_pages = math.ceil(page.total / page.limit) if page.total else 0
    next_url = (
        str(request.url.include_query_params(page=current + 1, pageSize=page.limit))
        if current < total_pages
        else None
    )
    return {
        "totalItems": page.total,
        "itemsPerPage": page.limit,
        "currentPage": current,
        "totalPages": total_pages,
        "nextPageUrl": next_url,
    }


def location_json(loc: Location) -> dict[str, Any]:
    country = geo.country(loc.country_id)
    region = geo.region(loc.state_id) if loc.state_id else None
    return {
        "id": str(loc.id),
        "idRemote": loc.id_remote,
        "name": loc.name,
        "address": loc.address,
        "city": loc.city,
        "state": region.name if region else None,
        "postalCode": loc.postal_code,
        "shippingAddress": loc.shipping_address,
        "billingAddress": loc.billing_address,
        "country": {
            "id": country.id if country else None,
            "description": country.description if country else None,
            "iso": loc.country_id,
        },
        "default": loc.is_default,
        "active": loc.active,
        "createdAt": stamp(loc.created_at),
        "updatedAt": stamp(loc.updated_at),
    }


def method_json(m: ContactMethod) -> dict[str, Any]:
    return {
        "id": str(m.id),
        "idRemote": m.id_remote,
        "contactTypeId": str(m.contact_type_id),
        "value": m.value,
        "send_by_whatsapp": m.send_by_whatsapp,
        "send_by_mail": m.send_by_mail,
        "send_by_telegram": m.send_by_telegram,
        "send_by_sms": m.send_by_sms,
    }


def contact_json(c: PartnerContact, methods: list[ContactMethod]) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "idRemote": c.id_remote,
        "name": c.name,
        "position": c.position,
        "default": c.is_default,
        "active": c.active,
        "contactMethods": [method_json(m) for m in methods],
    }


def partner_json(p: Partner, rel: PartnerRelated) -> dict[str, Any]:
    company = rel.companies.get(p.company_id)
    role = rel.catalogs.role(p.role_id)
    status = rel.catalogs.status(p.status_id)
    return {
        "id": str(p.id),
        "idRemote": p.id_remote,
        "rol": role.name if role else None,
        "status": status.description if status else None,
        "company": {
            "id": str(company.id),
            "idRemote": company.id_remote,
            "companyName": company.company_name,
            "comercialName": company.comercial_name,
            "tin": company.tin,
        }
        if company
        else None,
        "locations": [location_json(loc) for loc in rel.locations.get(p.id, [])],
        "contacts": [
            contact_json(c, rel.methods.get(c.id, [])) for c in rel.contacts.get(p.id, [])
        ],
        "contactName": p.contact_name,
        "comercialName": p.comercial_name,
        "tin": p.tin,
        "observation": p.observation,
        "origin": p.origin,
        "updatedAt": stamp(p.updated_at),
        "active": p.active,
    }


def contact_row_json(
    c: PartnerContact,
    partner: Partner | None,
    methods: list[ContactMethod],
    catalogs: Catalogs,
) -> dict[str, Any]:
    out_methods = []
    for m in methods:
        ctype = catalogs.contact_type(m.contact_type_id)
        out_methods.append(
            {
                "contactType": {
                    "id": str(m.contact_type_id),
                    "value": ctype.value if ctype else None,
                },
                "value": m.value,
            }
        )
    return {
        "id": str(c.id),
        "idRemote": c.id_remote,
        "businessPartner": {
            "id": str(c.partner_id),
            "contactName": partner.contact_name if partner else None,
        },
        "name": c.name,
        "position": c.position,
        "default": c.is_default,
        "active": c.active,
        "contactMethods": out_methods,
    }
