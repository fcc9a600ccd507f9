"""Planning an upsert: each checked input resolved against the tenant's data, in bulk, into the
row it writes. ``plan`` raises :class:`ItemFailed` naming the first item that cannot be
applied; nothing is written while planning.

Steps: load the companies and locations the items name (one query each); resolve each item
(role, status, company, idRemote, locations, contact types, field values, tax id, agent);
resolve the agents per company; find the partners the items update (company + idRemote).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from core.accounts.model import Account
from core.partners import geo, rules
from core.partners.errors import ItemFailed
from core.partners.inputs import ContactInput, LocationInput, PartnerField, PartnerInput
from core.partners.model import Catalogs, Company, Location, Partner, PartnerStatus, Role
from core.partners.ports import PartnerStorage
from core.shared.ids import as_id
from core.shared.taxid import check_tax_id

Fail = Callable[[str], ItemFailed]
_COPIED = (
    PartnerField.CONTACT_NAME,
    PartnerField.COMERCIAL_NAME,
    PartnerField.OBSERVATION,
    PartnerField.ORIGIN,
    PartnerField.ACTIVE,
)


class _Identified(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def id_remote(self) -> str: ...


IdentifiedT = TypeVar("IdentifiedT", bound=_Identified)


def pick(items: Sequence[IdentifiedT], ref: str) -> IdentifiedT | None:
    """The item whose idRemote is ``ref``, else the one whose local id is ``ref``."""
    for item in items:
        if item.id_remote == ref:
            return item
    for item in items:
        if str(item.id) == ref:
            return item
    return None


@dataclass
class Plan:
    """One item resolved against the tenant's data, ready to be written."""

    index: int
    item: PartnerInput
    existing: Partner | None
    values: dict[str, object]
    """The partner's columns this item sets."""
    locations: list[LocationInput] | None
    contacts: list[tuple[ContactInput, list[int]]] | None
    """Each contact with the ids of its methods' contact types."""
    agent_ref: str | None = None
    """The agent named (idRemote or local id in the company), until resolved."""
    partner_id: int | None = None

    def fail(self, reason: str) -> ItemFailed:
        return ItemFailed(self.index, self.item.id_remote, reason)

    @property
    def company_id(self) -> int:
        return int(str(self.values["company_id"]))

    @property
    def id_remote(self) -> str:
        return str(self.values["id_remote"])


@dataclass
class Planned:
    plans: list[Plan]
    known_locations: list[Location] = field(default_factory=list)
    """The existing locations the items name (by reference or by a new one's idRemote)."""


@dataclass
class _Context:
    """What every item is resolved against."""

    account: Account
    catalogs: Catalogs
    companies: list[Company]
    known_locations: list[Location]
    seen: set[tuple[int, str]] = field(default_factory=set)


async def plan(
    store: PartnerStorage,
    account: Account,
    catalogs: Catalogs,
    items: Sequence[PartnerInput],
    existing: Sequence[Partner] | None,
) -> Planned:
    """``existing`` (update) gives the partner each item changes; without it (create) items
    upsert on company + idRemote."""
    context = await _load_context(store, account, catalogs, items)
    plans = [
        _plan_item(context, index, item, existing[index] if existing is not None else None)
        for index, item in enumerate(items)
    ]
    await _resolve_agents(store, account.id, catalogs, plans)
    if existing is None:
        await _match_existing(store, account.id, plans)
    for p in plans:
        p.partner_id = p.existing.id if p.existing is not None else None
    return Planned(plans, context.known_locations)


async def _load_context(
    store: PartnerStorage, account: Account, catalogs: Catalogs, items: Sequence[PartnerInput]
) -> _Context:
    company_refs = sorted({i.company_id for i in items if i.company_id is not None})
    companies = (
        await store.companies.by_refs(account.id, company_refs, _local_ids(company_refs))
        if company_refs
        else []
    )
    locations = [loc for i in items for loc in (i.locations or [])]
    location_refs = {loc.location_ref for loc in locations if loc.location_ref is not None}
    new_remotes = {str(loc.id_remote) for loc in locations if loc.location_ref is None}
    known = await store.locations.by_refs(
        account.id, new_remotes | location_refs, _local_ids(location_refs)
    )
    return _Context(account, catalogs, companies, known)


def _local_ids(refs: Iterable[str]) -> set[int]:
    """The references that spell a local id (ASCII digits only)."""
    return {n for n in map(as_id, refs) if n is not None}


def _plan_item(context: _Context, index: int, item: PartnerInput, current: Partner | None) -> Plan:
    def fail(reason: str) -> ItemFailed:
        return ItemFailed(index, item.id_remote, reason)

    role = _role(context.catalogs, item, current, fail)
    status = _status(context.catalogs, item, current, fail)
    company_id = _company_id(context.companies, item, current, fail)
    id_remote = _id_remote(context, company_id, item, current, fail)
    _check_locations(context.known_locations, item.locations, fail)
    contacts = _contact_types(context.catalogs, item.contacts, fail)
    values: dict[str, object] = {
        "company_id": company_id,
        "id_remote": id_remote,
        "role_id": role.id,
        "status_id": status.id,
    }
    values.update(_copied_values(item, current))
    values.update(_tin_values(context, item, current, fail))
    result = Plan(index, item, current, values, item.locations, contacts)
    _plan_agent(result, role, current, fail)
    return result


def _role(catalogs: Catalogs, item: PartnerInput, current: Partner | None, fail: Fail) -> Role:
    if item.role_id is not None:
        role = pick(catalogs.roles, item.role_id)
    else:
        role = catalogs.role(current.role_id if current else -1)
    if role is None:
        raise fail(f"unknown roleId {item.role_id!r}")
    return role


def _status(
    catalogs: Catalogs, item: PartnerInput, current: Partner | None, fail: Fail
) -> PartnerStatus:
    if item.status_id is not None:
        status = pick(catalogs.statuses, item.status_id)
    else:
        status = catalogs.status(current.status_id if current else -1)
    if status is None:
        raise fail(f"unknown statusId {item.status_id!r}")
    return status


def _company_id(
    companies: list[Company], item: PartnerInput, current: Partner | None, fail: Fail
) -> int:
    if item.company_id is not None:
        company = pick(companies, item.company_id)
        if company is None:
            raise fail(f"unknown companyId {item.company_id!r}")
        return company.id
    if current is not None:
        return current.company_id
    raise fail("companyId is required")


def _id_remote(
    context: _Context, company_id: int, item: PartnerInput, current: Partner | None, fail: Fail
) -> str:
    id_remote = item.id_remote if item.id_remote is not None else (current and current.id_remote)
    if not id_remote:
        raise fail("idRemote is required")
    if (company_id, id_remote) in context.seen:
        raise fail("duplicate idRemote within the message")
    context.seen.add((company_id, id_remote))
    return id_remote


def _check_locations(
    known: list[Location], locations: list[LocationInput] | None, fail: Fail
) -> None:
    """References must exist; new locations must name a known country and state."""
    for loc in locations or []:
        if loc.location_ref is not None:
            if pick(known, loc.location_ref) is None:
                raise fail(f"unknown locationId {loc.location_ref!r}")
        else:
            location_values(loc, fail)


def _contact_types(
    catalogs: Catalogs, contacts: list[ContactInput] | None, fail: Fail
) -> list[tuple[ContactInput, list[int]]] | None:
    if contacts is None:
        return None
    out = []
    for contact in contacts:
        type_ids = []
        for method in contact.contact_methods:
            ctype = pick(catalogs.contact_types, method.contact_type_id)
            if ctype is None:
                raise fail(f"unknown contactTypeId {method.contact_type_id!r}")
            type_ids.append(ctype.id)
        out.append((contact, type_ids))
    return out


def _copied_values(item: PartnerInput, current: Partner | None) -> dict[str, object]:
    """Given fields, else the current ones (a new partner: empty names, active)."""
    values: dict[str, object] = {}
    for f in _COPIED:
        source = item if f in item.present or current is None else current
        values[f.value] = getattr(source, f.value)
    if values["active"] is None:
        values["active"] = True
    for attr in ("contact_name", "comercial_name"):
        values[attr] = values[attr] or ""
    return values


def _tin_values(
    context: _Context, item: PartnerInput, current: Partner | None, fail: Fail
) -> dict[str, object]:
    """The tax id, checked against the country of the partner's (default) location; refused
    only when the account is strict."""
    present = item.present
    if PartnerField.TIN not in present and PartnerField.LOCATIONS not in present and current:
        return {}
    given = PartnerField.TIN in present
    tin = (item.tin or "") if given else (current.tin if current else "")
    country = _tin_country(context.account, item.locations, context.known_locations)
    check = check_tax_id(country, tin)
    if check.valid is False and context.account.strict_tax_ids:
        raise fail(f"tin: {check.message}")
    return {"tin": check.value, "tin_valid": check.valid}


def _tin_country(
    account: Account, locations: list[LocationInput] | None, known: Sequence[Location]
) -> str:
    if locations:
        chosen = next((loc for loc in locations if loc.is_default), locations[0])
        if chosen.location_ref is not None:
            found = pick(known, chosen.location_ref)
            if found is not None:
                return str(found.country_id)
        else:
            country = geo.country(chosen.country_id or "")
            if country is not None:
                return country.iso
    return account.country


def _plan_agent(plan: Plan, role: Role, current: Partner | None, fail: Fail) -> None:
    """Only a client gets an agent (resolved later, per company); a partner that stops being
    a client loses its agent."""
    given = PartnerField.AGENT_ID in plan.item.present
    if given and plan.item.agent_id is not None:
        if not rules.is_client(role):
            raise fail("only a partner with role client can be assigned to an agent")
        plan.agent_ref = plan.item.agent_id
    elif given or _loses_agent(current, role):
        plan.values["agent_id"] = None


def _loses_agent(current: Partner | None, role: Role) -> bool:
    """A new partner starts without an agent; one that stops being a client loses its."""
    return current is None or (current.agent_id is not None and not rules.is_client(role))


async def _resolve_agents(
    store: PartnerStorage, account_id: int, catalogs: Catalogs, plans: list[Plan]
) -> None:
    """Agents by idRemote or local id within each company, in bulk."""
    refs: dict[int, set[str]] = {}
    for p in plans:
        if p.agent_ref is not None:
            refs.setdefault(p.company_id, set()).add(p.agent_ref)
    agents: dict[tuple[int, str], Partner] = {}
    for company_id, company_refs in refs.items():
        found = await store.partners.by_remote(account_id, company_id, company_refs)
        numeric = _local_ids({r for r in company_refs if r not in found})
        for partner in await store.partners.by_ids(account_id, numeric) if numeric else []:
            if partner.company_id == company_id:
                found.setdefault(str(partner.id), partner)
        agents.update({(company_id, key): agent for key, agent in found.items()})
    for p in plans:
        if p.agent_ref is None:
            continue
        agent = agents.get((p.company_id, p.agent_ref))
        if agent is None:
            raise p.fail(f"unknown agentId {p.agent_ref!r} in the company")
        if not rules.is_agent(catalogs.role(agent.role_id)):
            raise p.fail(f"agentId {p.agent_ref!r} is not an agent")
        p.values["agent_id"] = agent.id


async def _match_existing(store: PartnerStorage, account_id: int, plans: list[Plan]) -> None:
    """Create upserts: an item whose company + idRemote exists updates that partner, and its
    locations and contacts replace the partner's."""
    by_company: dict[int, set[str]] = {}
    for p in plans:
        by_company.setdefault(p.company_id, set()).add(p.id_remote)
    for company_id, remotes in by_company.items():
        found = await store.partners.by_remote(account_id, company_id, remotes)
        for p in plans:
            if p.company_id == company_id:
                p.existing = found.get(p.id_remote)
    for p in plans:
        p.locations = p.locations if p.locations is not None else []
        p.contacts = p.contacts if p.contacts is not None else []


def location_values(loc: LocationInput, fail: Fail) -> dict[str, object]:
    """A new location's columns; its country and state must exist."""
    country = geo.country(loc.country_id or "")
    if country is None:
        raise fail(f"unknown countryId {loc.country_id!r}")
    state_id: str | None = None
    if loc.state_id:
        region = geo.region(loc.state_id)
        if region is None or region.country_iso != country.iso:
            raise fail(f"unknown stateId {loc.state_id!r} for country {country.iso}")
        state_id = region.id
    return {
        "id_remote": loc.id_remote,
        "name": loc.name or "",
        "address": loc.address or "",
        "city": loc.city or "",
        "state_id": state_id,
        "postal_code": loc.postal_code,
        "shipping_address": loc.shipping_address,
        "billing_address": loc.billing_address,
        "country_id": country.iso,
        "is_default": loc.is_default,
        "active": loc.active,
    }
