"""The GraphQL floor: the least a server can do to give clientgate's GraphQL answers.

It recognises the bench's documents by their exact text (``bench.documents``; like a server
of persisted queries, it parses no GraphQL) and answers each with hand-written SQL and
orjson, producing the same JSON clientgate produces: global ids (base64 ``Type:id``), keyset
cursors (base64url JSON ``[sort, direction, value, id]`` for clients, ``["bp", id]`` for
partners), ``pageInfo``, enums, ISO timestamps. Every request does the same SQL work as
clientgate, nothing cached between requests:

- the token check (HMAC of ``access_token``, one indexed lookup, every account column);
- clients page (also after a deep cursor): one keyset query with the payment type joined in
  (``LIMIT first + 1`` to know ``hasNextPage``), then one ``IN`` query each for contacts,
  addresses and attribute values (joined to their definitions), as clientgate's ``page`` does;
- ``node(id:)`` of a client with contacts: the client by id, then its contacts;
- ``createClient``: the tax-id check (Peru's RUC, as the account's country asks), one
  ``INSERT ... RETURNING`` of every client column in a write transaction;
- business partners: the keyset page, then one ``IN`` query each for companies, locations
  (through the link table), contacts, and the contacts' methods; states and countries from
  clientgate's static ISO table (``core.partners.geo``).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import orjson
from graphql import parse
from stdnum.pe import ruc

from bench import documents
from bench.floor_db import Db, authenticate
from core.partners import geo
from graphql_api.config import GraphQLConfig
from graphql_api.cost import requested_cost
from graphql_api.schema import build_schema

SCHEMA = build_schema()._schema
LIST_BOUND = GraphQLConfig().list_bound

Payload = dict[str, Any]
Handler = Any  # async (conn, account, variables) -> Payload

# Every column a Client object shows, in this order (positions used below).
GQL_CLIENT_COLS = (
    "c.id, c.first_name, c.last_name, c.email, c.code, c.code_valid, c.phone, c.company, "
    "c.note, c.facebook, c.twitter, c.has_credit, c.max_credit, c.state, c.activity, c.city, "
    "c.district, c.address, c.company_or_person, c.accumulate_points, c.points, "
    "c.points_updated, c.send_dte, c.is_foreigner, c.prestashop_client_id, c.created_at, "
    "c.updated_at, c.payment_type_id"
)
_RETURNING = ", ".join(col.strip()[2:] for col in GQL_CLIENT_COLS.split(","))
_STATES = {0: "ACTIVE", 1: "INACTIVE"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KINDS = {0: "PERSON", 1: "COMPANY"}
_WRITE_DEFAULTS = {  # what clientgate's table defaults write for a new client
    "state": 0,
    "company_or_person": 0,
    "accumulate_points": 0,
    "points": 0,
    "send_dte": 0,
    "prestashop_client_id": 0,
}
_INPUT_COLUMNS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "phone": "phone",
    "company": "company",
    "city": "city",
    "district": "district",
    "address": "address",
}


class BadRequest(Exception):
    """Anything the floor does not answer (it serves the bench's requests, not the API)."""


def global_id(type_name: str, local: int) -> str:
    return base64.b64encode(f"{type_name}:{local}".encode()).decode()


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _flag(value: int | None) -> bool | None:
    return None if value is None else value == 1


def _client_cursor(client_id: int) -> str:
    raw = orjson.dumps(["id", "asc", client_id, client_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after_client(cursor: str | None) -> int | None:
    """The id after which a page starts; only the default order's cursors are accepted."""
    if cursor is None:
        return None
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise BadRequest("not a valid cursor") from exc
    if not isinstance(data, list) or len(data) != 4 or data[:2] != ["id", "asc"]:
        raise BadRequest("not a valid cursor")
    if not all(type(v) is int and -(2**63) <= v < 2**63 for v in data[2:]):
        raise BadRequest("not a valid cursor")
    return int(data[3])


def _partner_cursor(partner_id: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(["bp", partner_id])).decode().rstrip("=")


def _after_partner(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise BadRequest("not a valid cursor") from exc
    if not isinstance(data, list) or len(data) != 2 or data[0] != "bp":
        raise BadRequest("not a valid cursor")
    if type(data[1]) is not int or not -(2**63) <= data[1] < 2**63:
        raise BadRequest("not a valid cursor")
    return int(data[1])


def _objects(data: object) -> int:
    """Objects in an answer's data, the root excluded: clientgate's ``actualQueryCost``."""
    count, stack = 0, [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            count += 1
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count - 1


def _local_id(value: object, type_name: str) -> int:
    try:
        decoded = base64.b64decode(str(value).encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest("not a valid global id") from exc
    name, _, local = decoded.partition(":")
    if name != type_name or not local.isdigit() or len(local) > 18:
        raise BadRequest(f"not a {type_name} id")
    return int(local)


def _page_size(variables: dict[str, Any], most: int) -> int:
    first = variables.get("first")
    if type(first) is not int or not 0 <= first <= most:
        raise BadRequest(f"first must be between 0 and {most}")
    return first


def _marks(values: list[Any], start: int = 2) -> str:
    return ",".join(f"${i + start}" for i in range(len(values)))


def _client(row: Any) -> Payload:
    """Every scalar of a Client, in the documents' order."""
    cid = row[0]
    return {
        "id": global_id("Client", cid),
        "databaseId": cid,
        "firstName": row[1],
        "lastName": row[2],
        "email": row[3],
        "code": row[4],
        "codeValid": None if row[5] is None else bool(row[5]),
        "phone": row[6],
        "company": row[7],
        "note": row[8],
        "facebook": row[9],
        "twitter": row[10],
        "hasCredit": _flag(row[11]),
        "maxCredit": None if row[12] is None else float(row[12]),
        "state": _STATES[row[13]],
        "activity": row[14],
        "city": row[15],
        "district": row[16],
        "municipality": row[16],
        "address": row[17],
        "companyOrPerson": _KINDS[row[18]],
        "accumulatePoints": row[19] == 1,
        "points": float(row[20]),
        "pointsUpdated": _iso(row[21]) if row[21] else None,
        "sendDte": row[22] == 1,
        "isForeigner": _flag(row[23]),
        "prestashopClientId": row[24],
        "createdAt": _iso(row[25]),
        "updatedAt": _iso(row[26]),
    }


class GraphQLFloor:
    def __init__(self, db: Db) -> None:
        self.db = db
        self._prices: dict[tuple[str, bytes], int] = {}
        self.handlers: dict[str, tuple[Handler, bool]] = {
            documents.CLIENTS_LIST: (self._clients, False),
            documents.CLIENT_NODE: (self._node, False),
            documents.CREATE_CLIENT: (self._create, True),
            documents.PARTNERS_LIST: (self._partners, False),
        }

    async def answer(self, token: str, key: bytes, body: bytes) -> tuple[int, Payload]:
        try:
            request = orjson.loads(body)
            handler, write = self.handlers[request["query"]]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return 400, {"errors": [{"message": "the floor answers only the bench's documents"}]}
        account = await self.db.run(lambda conn: authenticate(self.db, conn, key, token))
        if account is None:
            return 200, {
                "data": None,
                "errors": [{"message": "invalid token", "extensions": {"code": "UNAUTHENTICATED"}}],
            }
        variables = request.get("variables") or {}
        try:
            data = await self.db.run(lambda conn: handler(conn, account, variables), write=write)
        except BadRequest as exc:
            return 200, {"data": None, "errors": [{"message": str(exc)}]}
        cost = {"requestedQueryCost": self._price(request), "actualQueryCost": _objects(data)}
        return 200, {"data": data, "extensions": {"cost": cost}}

    def _price(self, request: Payload) -> int:
        """clientgate's price of the document (graphql_api.cost), remembered per document and
        variables: the floor knows its documents' shapes, as a planned execution would."""
        key = (request["query"], orjson.dumps(request.get("variables") or {}))
        price = self._prices.get(key)
        if price is None:
            price = self._prices[key] = requested_cost(
                SCHEMA, parse(request["query"]), None, request.get("variables"), LIST_BOUND
            )
        return price

    # -- clients ------------------------------------------------------------------------------

    async def _clients(self, conn: Any, account: Payload, variables: dict[str, Any]) -> Payload:
        first = _page_size(variables, 100)
        after = _after_client(variables.get("after"))
        args: list[Any] = [account["id"], first + 1]
        keyset = ""
        if after is not None:
            keyset, args = " AND c.id > $3", [*args, after]
        rows = await self.db.fetch(
            conn,
            f"SELECT {GQL_CLIENT_COLS}, p.name, p.state FROM clients c "
            "LEFT OUTER JOIN payment_types p ON p.id = c.payment_type_id "
            "AND p.account_id = c.account_id WHERE c.account_id = $1 "
            f"AND c.merged_into_id IS NULL{keyset} "
            "ORDER BY c.id LIMIT $2",
            *args,
        )
        page = rows[:first]
        children = await self._children(conn, account["id"], [r[0] for r in page])
        edges = []
        for row in page:
            node = _client(row)
            pid = row[27]
            node["paymentType"] = (
                {
                    "id": global_id("PaymentType", pid),
                    "databaseId": pid,
                    "name": row[28],
                    "state": _STATES[row[29]],
                }
                if pid is not None and row[28] is not None
                else None
            )
            for name, grouped in children.items():
                node[name] = grouped.get(row[0], [])
            edges.append({"cursor": _client_cursor(row[0]), "node": node})
        return {
            "clients": {
                "pageInfo": {
                    "hasNextPage": len(rows) > first,
                    "hasPreviousPage": after is not None,
                    "startCursor": edges[0]["cursor"] if edges else None,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
                "edges": edges,
            }
        }

    async def _contacts(
        self, conn: Any, account_id: int, ids: list[int]
    ) -> dict[int, list[Payload]]:
        grouped: dict[int, list[Payload]] = defaultdict(list)
        for cid, client_id, first_name, last_name, phone, email in await self.db.fetch(
            conn,
            "SELECT id, client_id, first_name, last_name, phone, email FROM client_contacts "
            f"WHERE account_id = $1 AND client_id IN ({_marks(ids)}) ORDER BY client_id, id",
            account_id,
            *ids,
        ):
            grouped[client_id].append(
                {
                    "id": global_id("Contact", cid),
                    "databaseId": cid,
                    "firstName": first_name,
                    "lastName": last_name,
                    "phone": phone,
                    "email": email,
                }
            )
        return grouped

    async def _children(
        self, conn: Any, account_id: int, ids: list[int]
    ) -> dict[str, dict[int, list[Payload]]]:
        """Contacts, addresses and attribute values of a page: one query each."""
        if not ids:
            return {}
        addresses: dict[int, list[Payload]] = defaultdict(list)
        for aid, client_id, name, address, city, district, state in await self.db.fetch(
            conn,
            "SELECT id, client_id, address_name, address, city, district, state "
            f"FROM client_addresses WHERE account_id = $1 AND client_id IN ({_marks(ids)}) "
            "ORDER BY client_id, id",
            account_id,
            *ids,
        ):
            addresses[client_id].append(
                {
                    "id": global_id("Address", aid),
                    "databaseId": aid,
                    "addressName": name,
                    "address": address,
                    "city": city,
                    "district": district,
                    "municipality": district,
                    "state": _STATES[state],
                }
            )
        attributes: dict[int, list[Payload]] = defaultdict(list)
        for client_id, value, did, name in await self.db.fetch(
            conn,
            "SELECT v.client_id, v.value, d.id, d.name FROM client_attribute_values v "
            "JOIN dynamic_attributes d ON d.id = v.dynamic_attribute_id "
            f"WHERE v.account_id = $1 AND v.client_id IN ({_marks(ids)}) "
            "ORDER BY v.client_id, d.id",
            account_id,
            *ids,
        ):
            attributes[client_id].append(
                {"definitionId": global_id("DynamicAttribute", did), "name": name, "value": value}
            )
        return {
            "contacts": await self._contacts(conn, account_id, ids),
            "addresses": addresses,
            "attributes": attributes,
        }

    async def _node(self, conn: Any, account: Payload, variables: dict[str, Any]) -> Payload:
        client_id = _local_id(variables.get("id"), "Client")
        rows = await self.db.fetch(
            conn,
            f"SELECT {GQL_CLIENT_COLS} FROM clients c WHERE c.account_id = $1 AND c.id = $2 "
            "AND c.merged_into_id IS NULL",
            account["id"],
            client_id,
        )
        if not rows:
            return {"node": None}
        node = _client(rows[0])
        node["contacts"] = (await self._contacts(conn, account["id"], [client_id])).get(
            client_id, []
        )
        return {"node": node}

    async def _create(self, conn: Any, account: Payload, variables: dict[str, Any]) -> Payload:
        given = variables.get("input")
        if not isinstance(given, dict) or set(given) - {*_INPUT_COLUMNS, "code"}:
            raise BadRequest("the floor creates clients from the bench's fields only")
        if account["country"] != "PE":
            raise BadRequest("the floor checks Peruvian tax ids only")
        values: dict[str, Any] = {}
        for key, column in _INPUT_COLUMNS.items():
            if key in given:
                # The checks clientgate makes on these fields: text, length, e-mail shape.
                text = given[key]
                if not isinstance(text, str) or len(text) > 255 or "\x00" in text:
                    raise BadRequest(f"{key}: the floor takes the bench's valid input only")
                if key == "email" and text and not _EMAIL.match(text):
                    raise BadRequest("email: the floor takes the bench's valid input only")
                values[column] = text.strip()
        code = str(given.get("code") or "").strip()
        valid = ruc.is_valid(code) if code else None
        if valid is False and account["strict_tax_ids"]:
            raise BadRequest("the floor creates valid clients only (no userErrors)")
        now = int(datetime.now(UTC).timestamp())
        values.update(_WRITE_DEFAULTS)
        values.update(
            account_id=account["id"],
            code=ruc.compact(code) if valid else code,
            code_valid=valid,
            created_at=now,
            updated_at=now,
        )
        sql = (
            f"INSERT INTO clients ({', '.join(values)}) VALUES ({_marks(list(values), 1)}) "
            f"RETURNING {_RETURNING}"
        )
        row = await self.db.write_one(conn, sql, *values.values())
        return {"createClient": {"client": _client(row), "userErrors": []}}

    # -- business partners --------------------------------------------------------------------

    async def _partners(self, conn: Any, account: Payload, variables: dict[str, Any]) -> Payload:
        first = _page_size(variables, 100)
        if first < 1:
            raise BadRequest("first must be between 1 and 100")
        after = _after_partner(variables.get("after"))
        account_id = account["id"]
        args: list[Any] = [account_id, first + 1]
        keyset = ""
        if after is not None:
            keyset, args = " AND id > $3", [*args, after]
        rows = await self.db.fetch(
            conn,
            "SELECT id, company_id, id_remote, contact_name, comercial_name, tin, tin_valid, "
            "observation, origin, active, created_at, updated_at FROM bp_partners "
            f"WHERE account_id = $1{keyset} ORDER BY id LIMIT $2",
            *args,
        )
        page = rows[:first]
        related = await self._partner_children(conn, account_id, page)
        edges = []
        for row in page:
            pid = row[0]
            cursor = _partner_cursor(pid)
            node = {
                "id": global_id("BusinessPartner", pid),
                "databaseId": pid,
                "idRemote": row[2],
                "contactName": row[3],
                "comercialName": row[4],
                "tin": row[5],
                "tinValid": None if row[6] is None else bool(row[6]),
                "observation": row[7],
                "origin": row[8],
                "active": bool(row[9]),
                "createdAt": _iso(row[10]),
                "updatedAt": _iso(row[11]),
                "company": related["companies"].get(row[1]),
                "locations": related["locations"].get(pid, []),
                "contacts": related["contacts"].get(pid, []),
            }
            edges.append({"cursor": cursor, "node": node})
        return {
            "businessPartners": {
                "pageInfo": {
                    "hasNextPage": len(rows) > first,
                    "hasPreviousPage": after is not None,
                    "startCursor": edges[0]["cursor"] if edges else None,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
                "edges": edges,
            }
        }

    async def _partner_children(self, conn: Any, account_id: int, page: list[Any]) -> Payload:
        """Companies, locations, contacts and contact methods of a page: four queries."""
        out: Payload = {"companies": {}, "locations": {}, "contacts": {}}
        if not page:
            return out
        # SQLite: ``+ 0`` keeps the tenant filter out of index choice, as clientgate does.
        tenant = "account_id + 0 = $1" if self.db.sqlite else "account_id = $1"
        ids = [r[0] for r in page]
        company_ids = sorted({r[1] for r in page})
        for cid, remote, name, comercial, tin in await self.db.fetch(
            conn,
            "SELECT id, id_remote, company_name, comercial_name, tin FROM bp_companies "
            f"WHERE {tenant} AND id IN ({_marks(company_ids)})",
            account_id,
            *company_ids,
        ):
            out["companies"][cid] = {
                "id": global_id("Company", cid),
                "databaseId": cid,
                "idRemote": remote,
                "companyName": name,
                "comercialName": comercial,
                "tin": tin,
            }
        out["locations"] = await self._locations(conn, tenant, account_id, ids)
        out["contacts"] = await self._partner_contacts(conn, tenant, account_id, ids)
        return out

    async def _locations(
        self, conn: Any, tenant: str, account_id: int, ids: list[int]
    ) -> dict[int, list[Payload]]:
        locations: dict[int, list[Payload]] = defaultdict(list)
        for row in await self.db.fetch(
            conn,
            "SELECT pl.partner_id, l.id, l.id_remote, l.name, l.address, l.city, l.postal_code, "
            "l.shipping_address, l.billing_address, l.is_default, l.active, l.created_at, "
            "l.updated_at, l.state_id, l.country_id "
            "FROM bp_partner_locations pl JOIN bp_locations l ON l.id = pl.location_id "
            f"WHERE pl.{tenant} AND l.{tenant} AND pl.partner_id IN ({_marks(ids)}) "
            "ORDER BY pl.partner_id, pl.position",
            account_id,
            *ids,
        ):
            region = geo.region(row[13]) if row[13] else None
            country = geo.country(row[14])
            locations[row[0]].append(
                {
                    "id": str(row[1]),
                    "idRemote": row[2],
                    "name": row[3],
                    "address": row[4],
                    "city": row[5],
                    "postalCode": row[6],
                    "shippingAddress": bool(row[7]),
                    "billingAddress": bool(row[8]),
                    "isDefault": bool(row[9]),
                    "active": bool(row[10]),
                    "createdAt": _iso(row[11]),
                    "updatedAt": _iso(row[12]),
                    "state": {"id": region.id, "name": region.name} if region else None,
                    "country": (
                        {"id": country.id, "iso": country.iso, "description": country.description}
                        if country
                        else None
                    ),
                }
            )
        return locations

    async def _partner_contacts(
        self, conn: Any, tenant: str, account_id: int, ids: list[int]
    ) -> dict[int, list[Payload]]:
        contacts: dict[int, list[Payload]] = defaultdict(list)
        by_id: dict[int, Payload] = {}
        for cid, pid, remote, name, position, default, active in await self.db.fetch(
            conn,
            "SELECT id, partner_id, id_remote, name, position, is_default, active "
            f"FROM bp_contacts WHERE {tenant} AND partner_id IN ({_marks(ids)}) ORDER BY id",
            account_id,
            *ids,
        ):
            contact = {
                "id": str(cid),
                "idRemote": remote,
                "name": name,
                "position": position,
                "isDefault": bool(default),
                "active": bool(active),
                "contactMethods": [],
            }
            by_id[cid] = contact
            contacts[pid].append(contact)
        if not by_id:
            return contacts
        contact_ids = list(by_id)
        for mid, cid, remote, value, wa, mail, tg, sms in await self.db.fetch(
            conn,
            "SELECT id, contact_id, id_remote, value, send_by_whatsapp, send_by_mail, "
            "send_by_telegram, send_by_sms FROM bp_contact_methods "
            f"WHERE {tenant} AND contact_id IN ({_marks(contact_ids)}) ORDER BY id",
            account_id,
            *contact_ids,
        ):
            by_id[cid]["contactMethods"].append(
                {
                    "id": str(mid),
                    "idRemote": remote,
                    "value": value,
                    "sendByWhatsapp": bool(wa),
                    "sendByMail": bool(mail),
                    "sendByTelegram": bool(tg),
                    "sendBySms": bool(sms),
                }
            )
        return contacts
