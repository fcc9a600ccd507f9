"""Bsale JSON shapes, built straight from the domain dataclasses.

These run once per item of a page, so they are plain dict literals with precomputed href
prefixes: no intermediate objects, no per-field function calls. The field order follows the
seeds. ``Flavour`` is the account's name for the district: ``district`` (Peru, which
answers ``municipality`` too, with the same value) or ``municipality`` (Chile, Mexico, Spain).

Text fields never set answer ``""`` wherever the seeds' examples show ``""`` for them (``or ""``);
``firstName`` and ``email`` of a client (and a contact's ``firstName``) stay ``null``, the only
way the examples show them unset.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.clients.model import (
    Address,
    AttributeValue,
    CatalogItem,
    Client,
    ClientRelated,
    Contact,
    Document,
    DynamicAttribute,
    UnpaidSummary,
)
from core.shared.pagination import OffsetPage

Json = dict[str, Any]

# Output names of a client, in the seeds' order. ``district`` stands for the flavour's key.
CLIENT_FIELDS = (
    "href",
    "id",
    "firstName",
    "lastName",
    "email",
    "code",
    "phone",
    "company",
    "note",
    "facebook",
    "twitter",
    "hasCredit",
    "maxCredit",
    "state",
    "activity",
    "city",
    "district",
    "address",
    "companyOrPerson",
    "accumulatePoints",
    "points",
    "pointsUpdated",
    "sendDte",
    "isForeigner",
    "prestashopClienId",
    "createdAt",
    "updatedAt",
    "payment_type",
    "price_list",
    "sale_condition",
    "contacts",
    "attributes",
    "addresses",
)
CATALOG_PATHS = {
    "payment_type": "payment_types",
    "price_list": "price_lists",
    "sale_condition": "sale_conditions",
}


class Flavour(StrEnum):
    """The flavour's name for the district: Peru says ``district``; Chile, Mexico (and Spain,
    by our choice) say ``municipality``."""

    DISTRICT = "district"
    MUNICIPALITY = "municipality"

    @classmethod
    def of(cls, country: str) -> Flavour:
        return cls.DISTRICT if country.upper() == "PE" else cls.MUNICIPALITY

    @property
    def alias(self) -> str:
        """The second key Peru answers too (Bsale's Peru pages and SDKs say
        ``municipality``); the flavour's own key elsewhere."""
        return "municipality"


def money(value: Decimal) -> int | float:
    """Amounts as JSON numbers: integers when whole (as the seeds show), else floats."""
    integral = value.to_integral_value()
    return int(integral) if value == integral else float(value)


class Out:
    """Serialisation context of one request: the absolute ``/v1`` prefix and the flavour."""

    __slots__ = ("clients", "dkey", "dkey2", "flavour", "v1")

    def __init__(self, v1: str, flavour: Flavour) -> None:
        self.v1 = v1
        self.clients = f"{v1}/clients/"
        self.flavour = flavour
        # Plain strs, the JSON keys. Outside Peru both are "municipality": written twice in
        # one dict literal, the key appears once, where the first one stands.
        self.dkey = flavour.value
        self.dkey2 = flavour.alias

    # -- clients ------------------------------------------------------------------------------

    def client(
        self,
        c: Client,
        related: ClientRelated | None = None,
        expand: Sequence[str] = (),
    ) -> Json:
        base = f"{self.clients}{c.id}"
        v1 = self.v1
        pu = c.points_updated
        mc = c.max_credit
        d: Json = {
            "href": base + ".json",
            "id": c.id,
            "firstName": c.first_name,
            "lastName": c.last_name or "",
            "email": c.email,
            "code": c.code,
            "phone": c.phone or "",
            "company": c.company or "",
            "note": c.note or "",
            "facebook": c.facebook or "",
            "twitter": c.twitter or "",
            "hasCredit": c.has_credit,
            "maxCredit": None if mc is None else float(mc),
            "state": c.state,
            "activity": c.activity or "",
            "city": c.city or "",
            self.dkey: c.district or "",
            self.dkey2: c.district or "",
            "address": c.address or "",
            "companyOrPerson": c.company_or_person,
            "accumulatePoints": c.accumulate_points,
            "points": float(c.points),
            "pointsUpdated": "" if pu is None else pu,
            "sendDte": c.send_dte,
            "isForeigner": c.is_foreigner,
            "prestashopClienId": c.prestashop_client_id,
            "createdAt": c.created_at,
            "updatedAt": c.updated_at,
        }
        if c.payment_type_id is not None:
            d["payment_type"] = {
                "href": f"{v1}/payment_types/{c.payment_type_id}.json",
                "id": str(c.payment_type_id),
            }
        if c.price_list_id is not None:
            d["price_list"] = {
                "href": f"{v1}/price_lists/{c.price_list_id}.json",
                "id": str(c.price_list_id),
            }
        if c.sale_condition_id is not None:
            d["sale_condition"] = {
                "href": f"{v1}/sale_conditions/{c.sale_condition_id}.json",
                "id": str(c.sale_condition_id),
            }
        d["contacts"] = {"href": base + "/contacts.json"}
        d["attributes"] = {"href": base + "/attributes.json"}
        d["addresses"] = {"href": base + "/addresses.json"}
        if expand and related is not None:
            self._expand(d, c, base, related, expand)
        return d

    def _expand(
        self, d: Json, c: Client, base: str, related: ClientRelated, expand: Sequence[str]
    ) -> None:
        for name in expand:
            if name == "contacts":
                items = [self.contact(x, base) for x in related.contacts.get(c.id, ())]
                d["contacts"] = {
                    "href": base + "/contacts.json",
                    "count": len(items),
                    "items": items,
                }
            elif name == "addresses":
                items = [self.address(x, base) for x in related.addresses.get(c.id, ())]
                d["addresses"] = {
                    "href": base + "/addresses.json",
                    "count": len(items),
                    "items": items,
                }
            elif name == "attributes":
                items = [self.attribute_value(x) for x in related.attributes.get(c.id, ())]
                d["attributes"] = {
                    "href": base + "/attributes.json",
                    "count": len(items),
                    "items": items,
                }
            else:
                ident = getattr(c, name + "_id")
                if ident is None:
                    continue
                found = {
                    "payment_type": related.payment_types,
                    "price_list": related.price_lists,
                    "sale_condition": related.sale_conditions,
                }[name].get(ident)
                if found is not None:
                    d[name] = self.catalog(found, CATALOG_PATHS[name])

    def client_summary(self, c: Client) -> Json:
        return {
            "href": f"{self.clients}{c.id}.json",
            "id": c.id,
            "firstName": c.first_name,
            "lastName": c.last_name or "",
            "code": c.code,
            "company": c.company or "",
        }

    # -- children -----------------------------------------------------------------------------

    def contact(self, x: Contact, base: str | None = None) -> Json:
        base = base or f"{self.clients}{x.client_id}"
        return {
            "href": f"{base}/contacts/{x.id}.json",
            "id": x.id,
            "firstName": x.first_name,
            "lastName": x.last_name or "",
            "phone": x.phone or "",
            "email": x.email or "",
        }

    def address(self, x: Address, base: str | None = None) -> Json:
        base = base or f"{self.clients}{x.client_id}"
        return {
            "href": f"{base}/addresses/{x.id}.json",
            "id": x.id,
            "addressName": x.address_name or "",
            "address": x.address or "",
            "city": x.city or "",
            self.dkey: x.district or "",
            self.dkey2: x.district or "",
            "state": x.state,
        }

    def attribute_value(self, x: AttributeValue) -> Json:
        return {
            "href": f"{self.v1}/dynamic_attributes/{x.attribute.id}.json",
            "id": x.attribute.id,
            "name": x.attribute.name,
            "value": x.value,
        }

    def dynamic_attribute(self, x: DynamicAttribute) -> Json:
        return {
            "href": f"{self.v1}/dynamic_attributes/{x.id}.json",
            "id": x.id,
            "name": x.name,
            "state": x.state,
        }

    def catalog(self, x: CatalogItem, path: str) -> Json:
        return {
            "href": f"{self.v1}/{path}/{x.id}.json",
            "id": x.id,
            "name": x.name,
            "state": x.state,
        }

    # -- documents ----------------------------------------------------------------------------

    def document(self, x: Document) -> Json:
        return {
            "href": f"{self.v1}/documents/{x.id}.json",
            "id": x.id,
            "name": x.name,
            "number": x.number,
            "emissionDate": x.emission_date,
            "expirationDate": x.expiration_date,
            "totalAmount": money(x.total_amount),
            "totalAmountOwed": money(x.amount_owed),
        }

    def document_full(self, x: Document) -> Json:
        d = self.document(x)
        d["client"] = {"href": f"{self.clients}{x.client_id}.json", "id": x.client_id}
        return d

    def unpaid(self, s: UnpaidSummary) -> Json:
        return {
            "overdueDebt": money(s.overdue_debt),
            "upcomingDebt": money(s.upcoming_debt),
            "totalDebt": money(s.total_debt),
            "client": self.client_summary(s.client),
            "overdue_documents": [self.document(d) for d in s.overdue],
            "upcoming_documents": [self.document(d) for d in s.upcoming],
        }


def envelope(href: str, page: OffsetPage[Any], items: list[Json], next_url: str | None) -> Json:
    """The list envelope of every collection: ``next`` only when more items exist."""
    d: Json = {
        "href": href,
        "count": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "items": items,
    }
    if next_url is not None:
        d["next"] = next_url
    return d
