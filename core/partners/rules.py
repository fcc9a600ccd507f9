"""The partners context's rules on its inputs: what a new partner, location or contact needs,
how long each text may be, how many items a list may hold, who may be whose agent.

Checks raise :class:`MissingField` / :class:`BadField` naming the field by the name they were
given: the ``checked_*`` functions use the core's paths (``locations[0].country_id``); a face
that checks its own shape field by field (the BusinessPartner dialect reads JSON) calls
``ref``/``text``/``bounded`` with its own names, so its errors read in its words. Text is
trimmed; a blank reference counts as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.partners.errors import BadField, InvalidFormat, MissingField
from core.partners.inputs import (
    Assignment,
    ContactInput,
    ContactMethodInput,
    LocationInput,
    PartnerField,
    PartnerInput,
)
from core.partners.model import Role, RoleKind
from core.shared.errors import InvalidInput
from core.shared.text import NO_NUL, has_nul

MAX_ITEMS = 1000
"""Partners per message, items per list inside one."""
MAX_TEXT = 255
MAX_PAGE_SIZE = 100
_LIMITS = {"observation": 2000, "address": 2000, "tin": 64, "postal_code": 32}
"""Texts whose column is not 255 characters (PostgreSQL refuses longer values)."""

REQUIRED_ON_CREATE: tuple[PartnerField, ...] = (
    PartnerField.ID_REMOTE,
    PartnerField.ROLE_ID,
    PartnerField.STATUS_ID,
    PartnerField.COMPANY_ID,
    PartnerField.CONTACT_NAME,
    PartnerField.COMERCIAL_NAME,
    PartnerField.TIN,
    PartnerField.ACTIVE,
)
REQUIRED_LOCATION: tuple[str, ...] = (
    "id_remote",
    "name",
    "address",
    "city",
    "shipping_address",
    "billing_address",
    "country_id",
    "is_default",
    "active",
)
"""What a new location needs (a reference to an existing one needs only ``location_ref``)."""

_BATCH = "Invalid business partner data format, "
EMPTY_BATCH = _BATCH + "the array is empty"
TOO_MANY = _BATCH + f"at most {MAX_ITEMS} partners per request"
NOTHING_TO_UPDATE = _BATCH + "nothing to update"


# -- one field --------------------------------------------------------------------------------


def limit(attr: str) -> int:
    """How many characters the field ``attr`` holds."""
    return _LIMITS.get(attr, MAX_TEXT)


def ref(value: str, attr: str, at: str) -> str:
    """A reference or identifier: trimmed, not blank, within its column."""
    text = value.strip()
    if not text:
        raise MissingField(at)
    if len(text) > limit(attr):
        raise BadField(at, f"must be at most {limit(attr)} characters")
    if has_nul(text):
        raise BadField(at, NO_NUL)
    return text


def text(value: str, attr: str, at: str) -> str:
    """Free text: within its column, then trimmed (it may be blank)."""
    if len(value) > limit(attr):
        raise BadField(at, f"must be at most {limit(attr)} characters")
    if has_nul(value):
        raise BadField(at, NO_NUL)
    return value.strip()


def bounded(count: int, at: str) -> None:
    """A list inside an item holds at most MAX_ITEMS entries."""
    if count > MAX_ITEMS:
        raise BadField(at, f"must hold at most {MAX_ITEMS} items")


def batch_size(count: int) -> None:
    """A message holds 1 to MAX_ITEMS partners."""
    if count == 0:
        raise InvalidFormat(EMPTY_BATCH)
    if count > MAX_ITEMS:
        raise InvalidFormat(TOO_MANY)


# -- whole inputs -----------------------------------------------------------------------------


def checked_batch(items: Sequence[PartnerInput]) -> list[PartnerInput]:
    """Partners to create: 1 to MAX_ITEMS, each complete."""
    batch_size(len(items))
    return [checked_partner(item, new=True) for item in items]


def checked_partner(item: PartnerInput, *, new: bool) -> PartnerInput:
    """A partner to create (``new``: every field of REQUIRED_ON_CREATE given) or the changes
    to one (at least one field given), normalised."""
    if new:
        for required in REQUIRED_ON_CREATE:
            if getattr(item, required.value) is None:
                raise MissingField(required.value)
    out = replace(item)
    for attr in ("id_remote", "role_id", "status_id", "company_id", "agent_id"):
        value = getattr(item, attr)
        if value is not None:
            setattr(out, attr, ref(value, attr, attr))
    for attr in ("comercial_name", "contact_name", "tin", "observation", "origin"):
        value = getattr(item, attr)
        if value is not None:
            setattr(out, attr, text(value, attr, attr))
    if item.locations is not None:
        bounded(len(item.locations), "locations")
        out.locations = [
            checked_location(loc, f"locations[{i}]") for i, loc in enumerate(item.locations)
        ]
    if item.contacts is not None:
        bounded(len(item.contacts), "contacts")
        out.contacts = [checked_contact(c, f"contacts[{i}]") for i, c in enumerate(item.contacts)]
    if not new and not item.present:
        raise InvalidFormat(NOTHING_TO_UPDATE)
    return out


def checked_location(loc: LocationInput, at: str) -> LocationInput:
    if loc.location_ref is not None:
        return LocationInput(
            location_ref=ref(loc.location_ref, "location_ref", f"{at}.location_ref")
        )
    for attr in REQUIRED_LOCATION:
        if getattr(loc, attr) is None:
            raise MissingField(f"{at}.{attr}")
    out = replace(loc)
    for attr in ("id_remote", "name", "address", "city", "postal_code", "state_id", "country_id"):
        value = getattr(loc, attr)
        if value is None:
            continue
        check = text if attr in ("name", "address", "city") else ref
        setattr(out, attr, check(value, attr, f"{at}.{attr}"))
    return out


def checked_contact(contact: ContactInput, at: str) -> ContactInput:
    bounded(len(contact.contact_methods), f"{at}.contact_methods")
    methods = [
        checked_method(m, f"{at}.contact_methods[{j}]")
        for j, m in enumerate(contact.contact_methods)
    ]
    return replace(
        contact,
        contact_methods=methods,
        id_remote=None
        if contact.id_remote is None
        else ref(contact.id_remote, "id_remote", f"{at}.id_remote"),
        name=text(contact.name, "name", f"{at}.name"),
        position=None
        if contact.position is None
        else text(contact.position, "position", f"{at}.position"),
    )


def checked_method(method: ContactMethodInput, at: str) -> ContactMethodInput:
    return replace(
        method,
        id_remote=ref(method.id_remote, "id_remote", f"{at}.id_remote"),
        contact_type_id=ref(method.contact_type_id, "contact_type_id", f"{at}.contact_type_id"),
        value=text(method.value, "value", f"{at}.value"),
    )


MAX_ASSIGNMENT_ENTRIES = 100
"""Agents per assignClientsToAgent request (their clients together at most MAX_ITEMS): one
request holds the write lock for a bounded time."""


def checked_assignments(entries: Sequence[Assignment]) -> list[Assignment]:
    """1 to MAX_ASSIGNMENT_ENTRIES entries, MAX_ITEMS clients in all, each entry checked."""
    if len(entries) > MAX_ASSIGNMENT_ENTRIES:
        raise InvalidFormat(_BATCH + f"at most {MAX_ASSIGNMENT_ENTRIES} agents per request")
    if sum(len(e.client_remote_ids) for e in entries) > MAX_ITEMS:
        raise InvalidFormat(_BATCH + f"at most {MAX_ITEMS} clients per request")
    return [checked_assignment(e) for e in entries]


def checked_assignment(entry: Assignment) -> Assignment:
    """At least one client, at most MAX_ITEMS; the agent's reference after its clients'."""
    bounded(len(entry.client_remote_ids), "clients")
    if not entry.client_remote_ids:
        raise MissingField("clients")
    remotes = [ref(r, "id_remote", "clients.id_remote") for r in entry.client_remote_ids]
    return Assignment(ref(entry.agent_ref, "agent_id", "agent_id"), remotes)


# -- roles --------------------------------------------------------------------------------------


def is_agent(role: Role | None) -> bool:
    return role is not None and role.kind is RoleKind.AGENT


def is_client(role: Role | None) -> bool:
    """Only a client is assigned to an agent."""
    return role is not None and role.kind is RoleKind.CLIENT


# -- catalogs, companies, documents, pages ----------------------------------------------------


def check_catalog_values(values: dict[str, str], *, required: bool) -> None:
    """A catalog item's idRemote and text: non-blank, within 255 characters."""
    for key, value in values.items():
        if not value.strip():
            raise InvalidInput.single(key, "must be a non-empty string", "REQUIRED")
        if len(value) > MAX_TEXT:
            raise InvalidInput.single(key, "must be at most 255 characters", "TOO_LONG")
        if has_nul(value):
            raise InvalidInput.single(key, NO_NUL)
    if required and "id_remote" not in values:
        raise InvalidInput.single("id_remote", "is required", "REQUIRED")


def check_catalog_changes(values: dict[str, str]) -> None:
    """An update of a catalog item changes something."""
    if not values:
        raise InvalidInput.single("", "nothing to update", "REQUIRED")
    check_catalog_values(values, required=False)


def check_company_values(values: dict[str, str], *, required: bool) -> None:
    """A company needs an idRemote and a name; texts within their columns."""
    for key in ("id_remote", "company_name"):
        if required and not values.get(key):
            raise InvalidInput.single(key, "is required", "REQUIRED")
    for key, value in values.items():
        column = 64 if key == "tin" else MAX_TEXT
        if len(value) > column:
            raise InvalidInput.single(key, f"must be at most {column} characters", "TOO_LONG")
        if has_nul(value):
            raise InvalidInput.single(key, NO_NUL)
        if key in ("id_remote", "company_name") and not value.strip():
            raise InvalidInput.single(key, "must not be empty", "REQUIRED")


def check_document_number(number: str) -> None:
    if not number.strip() or len(number) > 64:
        raise InvalidInput.single("number", "must be 1 to 64 characters")
    if has_nul(number):
        raise InvalidInput.single("number", NO_NUL)


def check_page(page: int, page_size: int) -> tuple[int, int]:
    """``page`` (from 1) and ``page_size`` (1 to MAX_PAGE_SIZE) as limit and offset."""
    if page < 1:
        raise InvalidInput.single("page", "must be 1 or greater", "OUT_OF_RANGE")
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise InvalidInput.single(
            "pageSize", f"must be between 1 and {MAX_PAGE_SIZE}", "OUT_OF_RANGE"
        )
    return page_size, (page - 1) * page_size


def check_first(first: int, field: str = "first") -> None:
    if first < 1 or first > MAX_PAGE_SIZE:
        raise InvalidInput.single(field, f"must be between 1 and {MAX_PAGE_SIZE}")
