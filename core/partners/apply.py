"""Writing planned items with bulk statements: a fixed number whatever their count.

Partners are inserted or updated whole; new locations upsert on their idRemote and
references link existing ones; a partner's location links and contacts are replaced by the
ones its item gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.history import fields as history
from core.history.model import Action, Change, EntityType
from core.history.recorder import ChangeLog
from core.partners.model import Location
from core.partners.ports import PartnerStorage
from core.partners.upsert import Plan, Planned, location_values, pick

_PARTNER_WRITABLE = (
    "company_id",
    "id_remote",
    "role_id",
    "status_id",
    "contact_name",
    "comercial_name",
    "tin",
    "tin_valid",
    "observation",
    "origin",
    "active",
    "agent_id",
)


async def apply(
    store: PartnerStorage, account_id: int, planned: Planned, now: int, log: ChangeLog
) -> None:
    """Write the plans; each partner, location and contact written is recorded in ``log``
    (in memory: recording adds no statement)."""
    await _write_partners(store, account_id, planned.plans, now, log)
    await _write_locations(store, account_id, planned, now, log)
    await _write_contacts(store, account_id, planned.plans, log)


async def _write_partners(
    store: PartnerStorage, account_id: int, plans: Sequence[Plan], now: int, log: ChangeLog
) -> None:
    inserts = [p for p in plans if p.existing is None]
    updates = [p for p in plans if p.existing is not None]
    new_ids = await store.partners.insert(
        account_id, [{**p.values, "created_at": now, "updated_at": now} for p in inserts]
    )
    for p, new_id in zip(inserts, new_ids, strict=True):
        p.partner_id = new_id
    if updates:
        await store.partners.update(account_id, [_full_row(p, now) for p in updates])
    for p in plans:
        log.add(_partner_change(p))


def _partner_change(plan: Plan) -> Change:
    links = None
    if plan.locations is not None:
        links = {
            "locations": ",".join(str(loc.location_ref or loc.id_remote) for loc in plan.locations)
        }
    if plan.existing is None:
        assert plan.partner_id is not None
        fields = history.created({**plan.values, **(links or {})})
        return Change(EntityType.BUSINESS_PARTNER, plan.partner_id, Action.CREATE, fields)
    fields = history.changed(history.as_mapping(plan.existing), plan.values)
    if links is not None:
        fields += history.created(links)
    return Change(EntityType.BUSINESS_PARTNER, plan.existing.id, Action.UPDATE, fields)


def _full_row(plan: Plan, now: int) -> dict[str, object]:
    """Every writable column (a bulk UPDATE needs the same keys on each row)."""
    assert plan.existing is not None
    row: dict[str, object] = {"id": plan.existing.id, "updated_at": now}
    for key in _PARTNER_WRITABLE:
        row[key] = plan.values[key] if key in plan.values else getattr(plan.existing, key)
    return row


async def _write_locations(
    store: PartnerStorage, account_id: int, planned: Planned, now: int, log: ChangeLog
) -> None:
    with_locations = [p for p in planned.plans if p.locations is not None]
    if not with_locations:
        return
    known = planned.known_locations
    new_rows, changed = _location_rows(with_locations, known, now)
    remotes = list(new_rows)
    ids = await store.locations.insert(account_id, [new_rows[r] for r in remotes])
    location_ids = dict(zip(remotes, ids, strict=True))
    location_ids.update({loc.id_remote: loc.id for loc in known})
    await store.locations.update(account_id, changed)
    _record_locations(log, new_rows, location_ids, known, changed)
    # New partners have no links yet: only existing ones need theirs removed first.
    await store.locations.replace_links(
        account_id,
        [p.existing.id for p in with_locations if p.existing is not None],
        _links(with_locations, known, location_ids),
    )


def _location_rows(
    plans: Sequence[Plan], known: Sequence[Location], now: int
) -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    """New locations by idRemote, and the rows of the existing ones an item redefines."""
    by_remote = {loc.id_remote: loc for loc in known}
    new_rows: dict[str, dict[str, object]] = {}
    changed: dict[int, dict[str, object]] = {}
    for p in plans:
        for loc in p.locations or []:
            if loc.location_ref is not None:
                continue
            values = location_values(loc, p.fail)
            current = by_remote.get(str(loc.id_remote))
            if current is None:
                new_rows[str(loc.id_remote)] = {**values, "created_at": now, "updated_at": now}
            else:
                changed[current.id] = {"id": current.id, **values, "updated_at": now}
    return new_rows, list(changed.values())


def _record_locations(
    log: ChangeLog,
    new_rows: dict[str, dict[str, object]],
    location_ids: dict[str, int],
    known: Sequence[Location],
    changed: Sequence[dict[str, object]],
) -> None:
    for remote, row in new_rows.items():
        fields = history.created(row)
        log.add(Change(EntityType.LOCATION, location_ids[remote], Action.CREATE, fields))
    by_id = {loc.id: loc for loc in known}
    for row in changed:
        location_id = int(str(row["id"]))
        fields = history.changed(history.as_mapping(by_id[location_id]), row)
        log.add(Change(EntityType.LOCATION, location_id, Action.UPDATE, fields))


def _links(
    plans: Sequence[Plan], known: Sequence[Location], location_ids: dict[str, int]
) -> list[tuple[int, int, int]]:
    """(partner, location, position) for each location of each item, once per partner."""
    links: list[tuple[int, int, int]] = []
    for p in plans:
        assert p.partner_id is not None
        seen: set[int] = set()
        for pos, loc in enumerate(p.locations or []):
            if loc.location_ref is not None:
                found = pick(known, loc.location_ref)
                loc_id = found.id if found else None
            else:
                loc_id = location_ids.get(str(loc.id_remote))
            if loc_id is not None and loc_id not in seen:
                seen.add(loc_id)
                links.append((p.partner_id, loc_id, pos))
    return links


async def _write_contacts(
    store: PartnerStorage, account_id: int, plans: Sequence[Plan], log: ChangeLog
) -> None:
    """Contacts replaced as a whole, then their methods in one insert."""
    with_contacts = [p for p in plans if p.contacts is not None]
    if not with_contacts:
        return
    await store.contacts.delete_of(
        account_id, [p.existing.id for p in with_contacts if p.existing is not None]
    )
    rows: list[dict[str, object]] = []
    methods: list[tuple[int, list[dict[str, object]]]] = []
    for p in with_contacts:
        assert p.partner_id is not None
        for contact, type_ids in p.contacts or []:
            methods.append(
                (
                    len(rows),
                    [
                        {
                            "id_remote": m.id_remote,
                            "contact_type_id": type_id,
                            "value": m.value,
                            "send_by_whatsapp": m.send_by_whatsapp,
                            "send_by_mail": m.send_by_mail,
                            "send_by_telegram": m.send_by_telegram,
                            "send_by_sms": m.send_by_sms,
                        }
                        for m, type_id in zip(contact.contact_methods, type_ids, strict=True)
                    ],
                )
            )
            rows.append(
                {
                    "partner_id": p.partner_id,
                    "id_remote": contact.id_remote,
                    "name": contact.name,
                    "position": contact.position,
                    "is_default": contact.is_default,
                    "active": contact.active,
                }
            )
    contact_ids = await store.contacts.insert(account_id, rows)
    for row, contact_id in zip(rows, contact_ids, strict=True):
        partner_id = int(str(row["partner_id"]))
        fields = history.created({k: v for k, v in row.items() if k != "partner_id"})
        log.add(
            Change(
                EntityType.PARTNER_CONTACT,
                contact_id,
                Action.CREATE,
                fields,
                EntityType.BUSINESS_PARTNER,
                partner_id,
            )
        )
    await store.contacts.insert_methods(
        account_id,
        [{"contact_id": contact_ids[i], **m} for i, method_rows in methods for m in method_rows],
    )
