"""Locations (shared between partners through links, unique per account on idRemote)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, delete, exists, insert, or_, select, update

from core.partners.model import Location
from core.partners.ports import Row
from core.storage.repositories.partners._sql import SqlBase, cols, make
from core.storage.tables.partners import bp_locations, bp_partner_locations

_LOCATION = cols(bp_locations, Location)
_NAMES = list(Location.__dataclass_fields__)


class SqlPartnerLocationRepository(SqlBase):
    async def of_partners(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[Location]]:
        if not partner_ids:
            return {}
        links = bp_partner_locations.c
        rows = await self._conn.execute(
            select(links.partner_id, *_LOCATION)
            .join(bp_locations, bp_locations.c.id == links.location_id)
            .where(
                self._tenant(links.account_id, account_id),
                self._tenant(bp_locations.c.account_id, account_id),
                links.partner_id.in_(list(partner_ids)),
            )
            .order_by(links.partner_id, links.position)
        )
        locations: dict[int, list[Location]] = defaultdict(list)
        for r in rows:
            m = r._mapping
            locations[m["partner_id"]].append(Location(**{n: m[n] for n in _NAMES}))
        return dict(locations)

    async def by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Location]:
        if not remote_ids and not ids:
            return []
        rows = await self._conn.execute(
            select(*_LOCATION).where(
                bp_locations.c.account_id == account_id,
                or_(
                    bp_locations.c.id_remote.in_(list(remote_ids)),
                    bp_locations.c.id.in_(list(ids)),
                ),
            )
        )
        return [make(Location, r) for r in rows]

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        if not rows:
            return []
        values = [{**r, "account_id": account_id} for r in rows]
        if self._pg:
            result = await self._conn.execute(
                insert(bp_locations).returning(bp_locations.c.id, sort_by_parameter_order=True),
                values,
            )
            return [int(r.id) for r in result]
        # SQLite: see SqlPartnerRepository.insert; locations are unique on (account, idRemote).
        await self._conn.execute(insert(bp_locations), values)
        remotes = [str(r["id_remote"]) for r in rows]
        found = await self._conn.execute(
            select(bp_locations.c.id, bp_locations.c.id_remote).where(
                bp_locations.c.account_id == account_id, bp_locations.c.id_remote.in_(remotes)
            )
        )
        ids = {f.id_remote: int(f.id) for f in found}
        return [ids[r] for r in remotes]

    async def update(self, account_id: int, rows: Sequence[Row]) -> None:
        if not rows:
            return
        keys = [k for k in rows[0] if k not in ("id", "created_at")]
        stmt = (
            update(bp_locations)
            .where(
                bp_locations.c.account_id == bindparam("_account"),
                bp_locations.c.id == bindparam("_id"),
            )
            .values({k: bindparam(f"v_{k}") for k in keys})
        )
        params = [
            {"_account": account_id, "_id": r["id"], **{f"v_{k}": r[k] for k in keys}} for r in rows
        ]
        await self._conn.execute(stmt, params)

    async def replace_links(
        self,
        account_id: int,
        partner_ids: Collection[int],
        links: Sequence[tuple[int, int, int]],
    ) -> None:
        if partner_ids:
            await self._conn.execute(
                delete(bp_partner_locations).where(
                    bp_partner_locations.c.account_id == account_id,
                    bp_partner_locations.c.partner_id.in_(list(partner_ids)),
                )
            )
        if links:
            await self._conn.execute(
                insert(bp_partner_locations),
                [
                    {"account_id": account_id, "partner_id": p, "location_id": loc, "position": i}
                    for p, loc, i in links
                ],
            )

    async def release(self, account_id: int, partner_id: int) -> None:
        links = bp_partner_locations.c
        own = select(links.location_id).where(
            links.account_id == account_id, links.partner_id == partner_id
        )
        shared = exists().where(
            links.location_id == bp_locations.c.id, links.partner_id != partner_id
        )
        orphan_ids = [
            r.id
            for r in await self._conn.execute(
                select(bp_locations.c.id).where(
                    bp_locations.c.account_id == account_id, bp_locations.c.id.in_(own), ~shared
                )
            )
        ]
        await self.replace_links(account_id, [partner_id], [])
        if orphan_ids:
            await self._conn.execute(
                delete(bp_locations).where(
                    bp_locations.c.account_id == account_id, bp_locations.c.id.in_(orphan_ids)
                )
            )
