"""The floor: the least a server can do to answer the benchmarked Bsale requests.

A raw ASGI app on the same uvicorn settings as ``clientgate serve`` (uvloop, httptools, one
worker, no access log), raw SQL on asyncpg or aiosqlite, orjson. It does the same work the
real REST face must do: authenticate the ``access_token`` (HMAC, one indexed lookup), read the
page, count the total (unfiltered: read the per-account counter ``client_counts``, as
clientgate does), load each expanded relation with one ``IN`` query, and serialize the
same JSON shape. No framework, no validation layers, no domain objects.

It also answers ``GET /BusinessPartner/getBPartner?page=&pageSize=`` (the B2B list, locations
and contacts included) the same way: the HMAC token lookup, the page of partners (roles and
statuses joined in), the count, one ``IN`` query each for companies, locations, contacts and
contact methods, countries and regions from clientgate's static table (``core.partners.geo``),
then orjson, or for ``Accept: application/xml`` clientgate's own pure ``to_xml`` writer, so
that the XML comparison measures data access and framework, not two XML writers.

``POST /graphql`` goes to ``bench.floor_graphql`` (the GraphQL floor).

``python -m bench.floor --port P`` with ``CLIENTGATE_DATABASE_URL`` and ``CLIENTGATE_SECRET_KEY``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

import orjson
from stdnum.pe import ruc

from bench.floor_db import CLIENT_KEYS, CLIENT_SQL_COLS, Db, authenticate, token_key
from bench.floor_graphql import GraphQLFloor
from core.partners import geo
from rest_compat.business_partner.render import to_xml

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _s(value: str | None) -> str:
    """Text never set, as the seeds show it: ``""``."""
    return "" if value is None else value


def _client_json(base: str, row: Any) -> dict[str, Any]:
    c = dict(zip(CLIENT_KEYS, row, strict=True))
    cid = c["id"]
    out: dict[str, Any] = {
        "href": f"{base}/v1/clients/{cid}.json",
        "id": cid,
        "firstName": c["first_name"],
        "lastName": _s(c["last_name"]),
        "email": c["email"],
        "code": c["code"],
        "phone": _s(c["phone"]),
        "company": _s(c["company"]),
        "note": _s(c["note"]),
        "facebook": _s(c["facebook"]),
        "twitter": _s(c["twitter"]),
        "hasCredit": c["has_credit"],
        "maxCredit": c["max_credit"],
        "state": c["state"],
        "activity": _s(c["activity"]),
        "city": _s(c["city"]),
        "district": _s(c["district"]),
        "municipality": _s(c["district"]),  # the bench account is Peruvian: both keys
        "address": _s(c["address"]),
        "companyOrPerson": c["company_or_person"],
        "accumulatePoints": c["accumulate_points"],
        "points": float(c["points"]),
        "pointsUpdated": c["points_updated"] if c["points_updated"] is not None else "",
        "sendDte": c["send_dte"],
        "isForeigner": c["is_foreigner"],
        "prestashopClienId": c["prestashop_client_id"],
        "createdAt": c["created_at"],
        "updatedAt": c["updated_at"],
    }
    for key, table in (
        ("payment_type", "payment_types"),
        ("price_list", "price_lists"),
        ("sale_condition", "sale_conditions"),
    ):
        if c[f"{key}_id"] is not None:
            out[key] = {
                "href": f"{base}/v1/{table}/{c[f'{key}_id']}.json",
                "id": str(c[f"{key}_id"]),
            }
    for rel in ("contacts", "attributes", "addresses"):
        out[rel] = {"href": f"{base}/v1/clients/{cid}/{rel}.json"}
    return out


def _collection(href: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"href": href, "count": len(items), "items": items}


class Floor:
    def __init__(self, url: str, secret_key: str) -> None:
        self.db = Db(url)
        self.key = token_key(secret_key)
        self.graphql = GraphQLFloor(self.db)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.db.open()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.db.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope["path"]
        if path == "/readyz":
            return await _respond(send, 200, {"status": "ok"})
        token = ""
        for name, value in scope["headers"]:
            if name == b"access_token":
                token = value.decode()
        host = next((v.decode() for k, v in scope["headers"] if k == b"host"), "localhost")
        base = f"http://{host}"
        body = b""
        if scope["method"] == "POST":
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
        if path == "/graphql" and scope["method"] == "POST":
            status, payload = await self.graphql.answer(token, self.key, body)
            return await _respond(send, status, payload)
        account = await self.db.run(lambda conn: authenticate(self.db, conn, self.key, token))
        if account is None:
            return await _respond(send, 401, {"error": "invalid access token"})
        account_id: int = account["id"]
        if path == "/BusinessPartner/getBPartner" and scope["method"] == "GET":
            status, payload = await self.db.run(
                lambda conn: self._bpartners(conn, account_id, scope, base)
            )
            if status == 200 and _wants_xml(scope):
                return await _respond_raw(send, status, to_xml(payload), b"application/xml")
            return await _respond(send, status, payload)
        if path == "/v1/clients.json" and scope["method"] == "POST":
            payload = await self.db.run(
                lambda conn: self._create(conn, account_id, base, orjson.loads(body)), write=True
            )
            return await _respond(send, 201, payload)
        status, payload = await self.db.run(
            lambda conn: self._handle(conn, account_id, scope, path, base)
        )
        await _respond(send, status, payload)

    async def _handle(
        self, conn: Any, account_id: int, scope: Scope, path: str, base: str
    ) -> tuple[int, Any]:
        db = self.db
        if path == "/v1/clients.json" and scope["method"] == "GET":
            return 200, await self._list(conn, account_id, scope, base)
        if path.startswith("/v1/clients/") and path.endswith(".json"):
            rows = await db.fetch(
                conn,
                f"SELECT {CLIENT_SQL_COLS} FROM clients WHERE account_id = $1 AND id = $2 "
                "AND merged_into_id IS NULL",
                account_id,
                int(path[len("/v1/clients/") : -len(".json")]),
            )
            if not rows:
                return 404, {"error": "client not found"}
            return 200, _client_json(base, rows[0])
        return 404, {"error": "not found"}

    async def _list(self, conn: Any, account_id: int, scope: Scope, base: str) -> dict[str, Any]:
        db = self.db
        qs = parse_qs(scope["query_string"].decode())
        limit = min(int(qs.get("limit", ["25"])[0]), 50)
        offset = int(qs.get("offset", ["0"])[0])
        expand = {
            e.strip().lower() for e in qs.get("expand", ["[]"])[0].strip("[]").split(",") if e
        }
        where = "account_id = $1 AND merged_into_id IS NULL"  # clientgate hides merged ones
        args: list[object] = [account_id]
        if "code" in qs:
            code = qs["code"][0].strip()
            where += " AND code = $2"
            args.append(ruc.compact(code) if ruc.is_valid(code) else code)
        rows = await db.fetch(
            conn,
            f"SELECT {CLIENT_SQL_COLS} FROM clients WHERE {where} ORDER BY id "
            f"LIMIT {limit} OFFSET {offset}",
            *args,
        )
        if len(rows) < limit and (rows or offset == 0):
            count = offset + len(rows)
        elif len(args) == 1:  # unfiltered: the per-account counter clientgate reads too
            found = await db.fetch(
                conn, "SELECT n FROM client_counts WHERE account_id = $1", account_id
            )
            count = found[0][0] if found else 0
        else:
            count = (await db.fetch(conn, f"SELECT count(*) FROM clients WHERE {where}", *args))[0][
                0
            ]
        items = [_client_json(base, r) for r in rows]
        ids = [r[0] for r in rows]
        if ids and expand:
            marks = ",".join(f"${i + 2}" for i in range(len(ids)))
            by_id = {item["id"]: item for item in items}
            if "contacts" in expand:
                grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
                for cid, client_id, fn, ln, phone, email in await db.fetch(
                    conn,
                    "SELECT id, client_id, first_name, last_name, phone, email "
                    f"FROM client_contacts WHERE account_id = $1 AND client_id IN ({marks}) "
                    "ORDER BY client_id, id",
                    account_id,
                    *ids,
                ):
                    grouped[client_id].append(
                        {
                            "href": f"{base}/v1/clients/{client_id}/contacts/{cid}.json",
                            "id": cid,
                            "firstName": fn,
                            "lastName": _s(ln),
                            "phone": _s(phone),
                            "email": _s(email),
                        }
                    )
                for client_id, item in by_id.items():
                    item["contacts"] = _collection(
                        f"{base}/v1/clients/{client_id}/contacts.json", grouped[client_id]
                    )
            if "addresses" in expand:
                grouped = defaultdict(list)
                for aid, client_id, name, address, city, district, state in await db.fetch(
                    conn,
                    "SELECT id, client_id, address_name, address, city, district, state "
                    f"FROM client_addresses WHERE account_id = $1 AND client_id IN ({marks}) "
                    "ORDER BY client_id, id",
                    account_id,
                    *ids,
                ):
                    grouped[client_id].append(
                        {
                            "href": f"{base}/v1/clients/{client_id}/addresses/{aid}.json",
                            "id": aid,
                            "addressName": _s(name),
                            "address": _s(address),
                            "city": _s(city),
                            "district": _s(district),
                            "municipality": _s(district),
                            "state": state,
                        }
                    )
                for client_id, item in by_id.items():
                    item["addresses"] = _collection(
                        f"{base}/v1/clients/{client_id}/addresses.json", grouped[client_id]
                    )
            if "attributes" in expand:
                grouped = defaultdict(list)
                for client_id, value, did, name in await db.fetch(
                    conn,
                    "SELECT v.client_id, v.value, d.id, d.name FROM client_attribute_values v "
                    "JOIN dynamic_attributes d ON d.id = v.dynamic_attribute_id "
                    f"WHERE v.account_id = $1 AND v.client_id IN ({marks}) "
                    "ORDER BY v.client_id, d.id",
                    account_id,
                    *ids,
                ):
                    grouped[client_id].append(
                        {
                            "href": f"{base}/v1/dynamic_attributes/{did}.json",
                            "id": did,
                            "name": name,
                            "value": value,
                        }
                    )
                for client_id, item in by_id.items():
                    item["attributes"] = _collection(
                        f"{base}/v1/clients/{client_id}/attributes.json", grouped[client_id]
                    )
            if "payment_type" in expand:
                wanted = sorted({r[24] for r in rows if r[24] is not None})
                if wanted:
                    pmarks = ",".join(f"${i + 2}" for i in range(len(wanted)))
                    types = {
                        pid: {
                            "href": f"{base}/v1/payment_types/{pid}.json",
                            "id": pid,
                            "name": name,
                            "state": state,
                        }
                        for pid, name, state in await db.fetch(
                            conn,
                            "SELECT id, name, state FROM payment_types "
                            f"WHERE account_id = $1 AND id IN ({pmarks})",
                            account_id,
                            *wanted,
                        )
                    }
                    for item in items:
                        if "payment_type" in item:
                            item["payment_type"] = types[int(item["payment_type"]["id"])]
        page: dict[str, Any] = {
            "href": f"{base}/v1/clients.json",
            "count": count,
            "limit": limit,
            "offset": offset,
            "items": items,
        }
        if offset + len(items) < count:
            given = dict(parse_qsl(scope["query_string"].decode()))
            query = urlencode({**given, "limit": str(limit), "offset": str(offset + limit)})
            page["next"] = f"{base}/v1/clients.json?{query}"
        return page

    async def _bpartners(
        self, conn: Any, account_id: int, scope: Scope, base: str
    ) -> tuple[int, dict[str, Any]]:
        """``getBPartner``: a page of partners in id order with everything clientgate shows."""
        db = self.db
        given = dict(parse_qsl(scope["query_string"].decode()))
        try:
            page = int(given.get("page") or 1)
            size = int(given.get("pageSize") or 10)
        except ValueError:
            return 400, {"code": 400, "error": "page and pageSize must be positive integers"}
        if page < 1 or not 1 <= size <= 100:
            return 400, {"code": 400, "error": "page or pageSize out of range"}
        offset = (page - 1) * size
        # The page first, roles and statuses joined onto its rows only.
        rows = await db.fetch(
            conn,
            "SELECT p.id, p.company_id, p.id_remote, r.name, s.description, p.contact_name, "
            "p.comercial_name, p.tin, p.observation, p.origin, p.updated_at, p.active "
            "FROM (SELECT id, company_id, id_remote, role_id, status_id, contact_name, "
            "comercial_name, tin, observation, origin, updated_at, active FROM bp_partners "
            f"WHERE account_id = $1 ORDER BY id LIMIT {size} OFFSET {offset}) p "
            "LEFT JOIN bp_roles r ON r.id = p.role_id "
            "LEFT JOIN bp_statuses s ON s.id = p.status_id ORDER BY p.id",
            account_id,
        )
        if len(rows) < size and (rows or offset == 0):
            total = offset + len(rows)
        else:
            total = (
                await db.fetch(
                    conn, "SELECT count(*) FROM bp_partners WHERE account_id = $1", account_id
                )
            )[0][0]
        # SQLite without statistics would scan the tenant on ``account_id = ?``; ``+ 0`` keeps
        # the filter out of index choice, as clientgate's repository does.
        tenant = "account_id + 0 = $1" if db.sqlite else "account_id = $1"
        ids = [r[0] for r in rows]
        companies: dict[int, dict[str, Any]] = {}
        locations: dict[int, list[dict[str, Any]]] = defaultdict(list)
        contacts: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if ids:
            marks = ",".join(f"${i + 2}" for i in range(len(ids)))
            company_ids = sorted({r[1] for r in rows})
            cmarks = ",".join(f"${i + 2}" for i in range(len(company_ids)))
            for cid, remote, name, comercial, tin in await db.fetch(
                conn,
                "SELECT id, id_remote, company_name, comercial_name, tin FROM bp_companies "
                f"WHERE {tenant} AND id IN ({cmarks})",
                account_id,
                *company_ids,
            ):
                companies[cid] = {
                    "id": str(cid),
                    "idRemote": remote,
                    "companyName": name,
                    "comercialName": comercial,
                    "tin": tin,
                }
            for (
                pid,
                lid,
                remote,
                name,
                address,
                city,
                state_id,
                postal,
                shipping,
                billing,
                country_id,
                default,
                active,
                created,
                updated,
            ) in await db.fetch(
                conn,
                "SELECT pl.partner_id, l.id, l.id_remote, l.name, l.address, l.city, l.state_id, "
                "l.postal_code, l.shipping_address, l.billing_address, l.country_id, "
                "l.is_default, l.active, l.created_at, l.updated_at "
                "FROM bp_partner_locations pl JOIN bp_locations l ON l.id = pl.location_id "
                f"WHERE pl.{tenant} AND l.{tenant} AND pl.partner_id IN ({marks}) "
                "ORDER BY pl.partner_id, pl.position",
                account_id,
                *ids,
            ):
                country = geo.country(country_id)
                region = geo.region(state_id) if state_id else None
                locations[pid].append(
                    {
                        "id": str(lid),
                        "idRemote": remote,
                        "name": name,
                        "address": address,
                        "city": city,
                        "state": region.name if region else None,
                        "postalCode": postal,
                        "shippingAddress": bool(shipping),
                        "billingAddress": bool(billing),
                        "country": {
                            "id": country.id if country else None,
                            "description": country.description if country else None,
                            "iso": country_id,
                        },
                        "default": bool(default),
                        "active": bool(active),
                        "createdAt": _stamp(created),
                        "updatedAt": _stamp(updated),
                    }
                )
            by_contact: dict[int, dict[str, Any]] = {}
            for cid, pid, remote, name, position, default, active in await db.fetch(
                conn,
                "SELECT id, partner_id, id_remote, name, position, is_default, active "
                f"FROM bp_contacts WHERE {tenant} AND partner_id IN ({marks}) ORDER BY id",
                account_id,
                *ids,
            ):
                contact = {
                    "id": str(cid),
                    "idRemote": remote,
                    "name": name,
                    "position": position,
                    "default": bool(default),
                    "active": bool(active),
                    "contactMethods": [],
                }
                by_contact[cid] = contact
                contacts[pid].append(contact)
            if by_contact:
                mmarks = ",".join(f"${i + 2}" for i in range(len(by_contact)))
                for mid, cid, remote, type_id, value, wa, mail, tg, sms in await db.fetch(
                    conn,
                    "SELECT id, contact_id, id_remote, contact_type_id, value, send_by_whatsapp, "
                    "send_by_mail, send_by_telegram, send_by_sms FROM bp_contact_methods "
                    f"WHERE {tenant} AND contact_id IN ({mmarks}) ORDER BY id",
                    account_id,
                    *by_contact,
                ):
                    by_contact[cid]["contactMethods"].append(
                        {
                            "id": str(mid),
                            "idRemote": remote,
                            "contactTypeId": str(type_id),
                            "value": value,
                            "send_by_whatsapp": bool(wa),
                            "send_by_mail": bool(mail),
                            "send_by_telegram": bool(tg),
                            "send_by_sms": bool(sms),
                        }
                    )
        data = [
            {
                "id": str(pid),
                "idRemote": remote,
                "rol": role,
                "status": status,
                "company": companies.get(company_id),
                "locations": locations.get(pid, []),
                "contacts": contacts.get(pid, []),
                "contactName": contact_name,
                "comercialName": comercial,
                "tin": tin,
                "observation": observation,
                "origin": origin,
                "updatedAt": _stamp(updated),
                "active": bool(active),
            }
            for (
                pid,
                company_id,
                remote,
                role,
                status,
                contact_name,
                comercial,
                tin,
                observation,
                origin,
                updated,
                active,
            ) in rows
        ]
        pages = -(-total // size) if total else 0
        next_url = None
        if page < pages:
            # As starlette's include_query_params: the others first, then page and pageSize.
            pairs = parse_qsl(scope["query_string"].decode(), keep_blank_values=True)
            rest = [(k, v) for k, v in pairs if k not in ("page", "pageSize")]
            query = urlencode([*rest, ("page", str(page + 1)), ("pageSize", str(size))])
            next_url = f"{base}{scope['path']}?{query}"
        return 200, {
            "data": data,
            "pagination": {
                "totalItems": total,
                "itemsPerPage": size,
                "currentPage": page,
                "totalPages": pages,
                "nextPageUrl": next_url,
            },
        }

    async def _create(
        self, conn: Any, account_id: int, base: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        db = self.db
        now = int(time.time())
        code = str(body.get("code", "")).strip()
        valid = ruc.is_valid(code) if code else None
        values = (
            account_id,
            body.get("firstName"),
            body.get("lastName"),
            body.get("email"),
            ruc.compact(code) if valid else code,
            valid,
            body.get("phone"),
            body.get("company"),
            body.get("city"),
            body.get("district"),
            body.get("address"),
            now,
            now,
        )
        sql = (
            # The table defaults clientgate writes; has_credit and is_foreigner stay NULL.
            "INSERT INTO clients (account_id, first_name, last_name, email, code, code_valid, "
            "phone, company, city, district, address, created_at, updated_at, state, "
            "company_or_person, accumulate_points, points, send_dte, prestashop_client_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "0, 0, 0, 0, 0, 0) "
            "RETURNING id"
        )
        if db.sqlite:
            await conn.execute("BEGIN IMMEDIATE")
            async with conn.execute(db.sql(sql), values) as cur:
                new_id = (await cur.fetchone())[0]
            await conn.execute("COMMIT")
        else:
            async with conn.transaction():
                new_id = await conn.fetchval(sql, *values)
        rows = await db.fetch(
            conn,
            f"SELECT {CLIENT_SQL_COLS} FROM clients WHERE account_id = $1 AND id = $2 "
            "AND merged_into_id IS NULL",
            account_id,
            new_id,
        )
        return _client_json(base, rows[0])


def _stamp(ts: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))


def _wants_xml(scope: Scope) -> bool:
    """clientgate's rule: XML when Accept names an XML type before (or without) JSON."""
    accept = next((v.decode() for k, v in scope["headers"] if k == b"accept"), "").lower()
    positions = [accept.find(t) for t in ("application/xml", "text/xml") if t in accept]
    if not positions:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or min(positions) < json_at


async def _respond_raw(send: Send, status: int, body: bytes, media_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _respond(send: Send, status: int, payload: Any) -> None:
    body = orjson.dumps(payload)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="bench.floor")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = Floor(os.environ["CLIENTGATE_DATABASE_URL"], os.environ["CLIENTGATE_SECRET_KEY"])
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
