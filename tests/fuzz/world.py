"""The data the fuzzers aim at: one tenant with a client (contact, address, attribute,
catalogs, a document), a company with a client partner and an agent partner (through the
queue), and a reseller with one onboarded company whose API user gives Basic credentials.

Everything is made through the public faces (REST and GraphQL), so the world does not depend
on the services' Python signatures. The valid bodies the body generators mutate are here too:
one per route that reads a body, written from the docs and the seeds.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from stdnum.pe import ruc as stdnum_ruc

from clientgate.container import Services
from clientgate.worker import Worker

VALID_RUC = "20100070970"


def new_ruc() -> str:
    """A RUC no other test onboards (API usernames are RUCs, unique across accounts)."""
    body = "20" + str(uuid.uuid4().int)[:8]
    return body + stdnum_ruc.calc_check_digit(body)


@dataclass(repr=False)
class World:
    token: str
    reseller_token: str
    basic: tuple[str, str]
    ruc: str
    path_values: dict[str, list[str]] = field(default_factory=dict)
    """Existing ids by path-parameter name (``client_id``, ``ref``...)."""
    global_ids: dict[str, list[str]] = field(default_factory=dict)
    """Existing GraphQL global ids by type name."""
    examples: dict[str, Any] = field(default_factory=dict)
    """A valid body by endpoint id (``POST /v1/clients.json``)."""

    def __repr__(self) -> str:  # hypothesis prints the test's arguments on a failure
        return "World(...)"

    def credentials(self, kind: str, path: str = "") -> dict[str, str]:
        """Headers for a kind of caller; ``token`` is the one the path is for (the reseller
        on the reseller dialect, the tenant elsewhere)."""
        basic = base64.b64encode(":".join(self.basic).encode()).decode()
        token = self.reseller_token if path.startswith("/resellers/") else self.token
        return {
            "token": {"access_token": token},
            "bearer": {"authorization": f"Bearer {self.token}"},
            "basic": {"authorization": f"Basic {basic}"},
            "reseller": {"access_token": self.reseller_token},
            "none": {},
            "bad_token": {"access_token": "not-a-token"},
            "bad_bearer": {"authorization": "Bearer "},
            "bad_basic": {"authorization": "Basic Og=="},
            "odd_basic": {"authorization": "Basic " + base64.b64encode(b"\xff:\x00").decode()},
        }[kind]


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


async def _gql(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    body = await _ok(
        await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"access_token": token},
        )
    )
    assert "errors" not in body, body
    return body["data"]


def _partner(id_remote: str, role: str) -> dict[str, Any]:
    return {
        "idRemote": id_remote,
        "roleId": role,
        "statusId": "active",
        "companyId": "ACME",
        "contactName": f"Contact {id_remote}",
        "comercialName": f"Shop {id_remote}",
        "tin": VALID_RUC,
        "observation": "vip",
        "origin": "erp",
        "active": True,
        "locations": [
            {
                "idRemote": f"L-{id_remote}",
                "name": "Main",
                "address": "Av. Larco 123",
                "city": "Lima",
                "stateId": "PE-LIM",
                "postalCode": "15074",
                "shippingAddress": True,
                "billingAddress": True,
                "countryId": "PE",
                "default": True,
                "active": True,
            }
        ],
        "contacts": [
            {
                "idRemote": f"C-{id_remote}",
                "name": "Ana",
                "position": "buyer",
                "default": True,
                "active": True,
                "contactMethods": [
                    {"idRemote": f"M-{id_remote}", "contactTypeId": "email", "value": "a@b.pe"}
                ],
            }
        ],
    }


def _reseller_item(ruc: str) -> dict[str, Any]:
    return {
        "ruc": ruc,
        "company_name": "A&J CORPORTATION S.A.C",
        "email": "correocorporativo@gmail.com",
        "phone_number": "711-0550",
        "mobile_number": "162984123",
        "validator_entity": 0,
        "external_ose_username": None,
        "external_ose_password": None,
        "is_ose_validation_only": None,
        "integration_type": 1,
    }


_CLIENT = {
    "firstName": "Marcela",
    "lastName": "Muñoz",
    "email": "marcela@example.pe",
    "code": VALID_RUC,
    "phone": "987654321",
    "company": "Muñoz SAC",
    "note": "fuzz",
    "facebook": "",
    "twitter": "",
    "hasCredit": 1,
    "maxCredit": "9100",
    "state": 0,
    "activity": "Retail",
    "city": "Lima",
    "district": "Miraflores",
    "address": "Av. Larco 123",
    "companyOrPerson": 1,
    "accumulatePoints": 1,
    "sendDte": 1,
    "isForeigner": 0,
    "prestashopClienId": 0,
    "paymentTypeId": 0,
    "priceListId": 0,
    "saleConditionId": 0,
}
_CONTACT = {"firstName": "Ana", "lastName": "Pérez", "phone": "987", "email": "ana@example.pe"}
_ADDRESS = {"addressName": "Casa", "address": "Av. Larco 123", "city": "Lima", "district": "Lince"}

_CATALOGS = """
mutation {
  pt: createPaymentType(input: {name: "Efectivo"}) { paymentType { id } }
  pl: createPriceList(input: {name: "Base"}) { priceList { id } }
  sc: createSaleCondition(input: {name: "Contado"}) { saleCondition { id } }
  da: createDynamicAttribute(input: {name: "Edad"}) { dynamicAttribute { id } }
  co: createCompany(input: {idRemote: "ACME", companyName: "Acme SAC", tin: "20100070970"}) {
    company { id }
  }
}
"""
_DOCUMENT = """
mutation($client: ID!) {
  createDocument(input: {clientId: $client, name: "F001", number: 1,
      emissionDate: "2024-01-01T00:00:00Z", expirationDate: "2024-02-01T00:00:00Z",
      totalAmount: "100.00"}) { document { id } userErrors { message } }
}
"""
_GLOBAL_IDS = """
{
  clients(first: 5) { edges { node { id contacts { id } addresses { id } } } }
  businessPartners(first: 5) { edges { node { id } } }
  partnerStatuses { id }
  contactTypes { id }
}
"""
_ONBOARDED = "{ onboardedAccounts(first: 5) { edges { node { id } } } }"


def _local(global_id: str) -> str:
    return base64.b64decode(global_id).decode().partition(":")[2]


async def _bsale(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    client = await _ok(await http.post("/v1/clients.json", json=_CLIENT, headers=headers), 201)
    cid = client["id"]
    base = f"/v1/clients/{cid}"
    contact = await _ok(
        await http.post(f"{base}/contacts.json", json=_CONTACT, headers=headers), 201
    )
    address = await _ok(
        await http.post(f"{base}/addresses.json", json=_ADDRESS, headers=headers), 201
    )
    return {
        "client_id": str(cid),
        "contact_id": str(contact["id"]),
        "address_id": str(address["id"]),
    }


async def _partners(http: httpx.AsyncClient, services: Services, headers: dict[str, str]) -> str:
    created = await _ok(
        await http.post(
            "/BusinessPartner/create",
            json=[_partner("P-1", "client"), _partner("A-1", "agent"), _partner("P-2", "client")],
            headers=headers,
        ),
        201,
    )
    await Worker(services, lease_seconds=30, max_attempts=5, poll_seconds=0.05).drain()
    message_id = str(created["statusUrl"]).rsplit("/", 1)[-1]
    status = await _ok(await http.get(created["statusUrl"], headers=headers))
    assert status["data"][0]["status"] == "completed", status
    return message_id


async def _onboard(http: httpx.AsyncClient, reseller: str, ruc: str) -> tuple[str, str]:
    answer = await _ok(
        await http.post(
            "/resellers/clients/batch",
            json=[_reseller_item(ruc)],
            headers={"access_token": reseller},
        )
    )
    api = answer["created_clients"][0]["access_api"]
    return api["username"], api["password"]


async def build_world(http: httpx.AsyncClient, services: Services) -> World:
    suffix = uuid.uuid4().hex[:8]
    tenant = await services.accounts.create_account(name=f"Fuzz {suffix}", country="PE")
    reseller = await services.accounts.create_account(
        name=f"Fuzz reseller {suffix}", country="PE", is_reseller=True
    )
    headers = {"access_token": tenant.token}
    ids = await _bsale(http, headers)
    catalogs = await _gql(http, tenant.token, _CATALOGS)
    client_gid = next(
        e["node"]["id"]
        for e in (await _gql(http, tenant.token, _GLOBAL_IDS))["clients"]["edges"]
        if _local(e["node"]["id"]) == ids["client_id"]
    )
    document = await _gql(http, tenant.token, _DOCUMENT, client=client_gid)
    message_id = await _partners(http, services, headers)
    ruc = new_ruc()
    basic = await _onboard(http, reseller.token, ruc)
    found = await _gql(http, tenant.token, _GLOBAL_IDS)
    onboarded = await _gql(http, reseller.token, _ONBOARDED)

    item_gids = [
        catalogs["pt"]["paymentType"]["id"],
        catalogs["pl"]["priceList"]["id"],
        catalogs["sc"]["saleCondition"]["id"],
        catalogs["da"]["dynamicAttribute"]["id"],
        document["createDocument"]["document"]["id"],
    ]
    partner_gids = [e["node"]["id"] for e in found["businessPartners"]["edges"]]
    world = World(token=tenant.token, reseller_token=reseller.token, basic=basic, ruc=ruc)
    world.path_values = {
        **{k: [v] for k, v in ids.items()},
        "item_id": [_local(g) for g in item_gids],
        "ref": ["P-1", "A-1", "P-2", *(_local(g) for g in partner_gids)],
        "message_id": [message_id],
    }
    clients = [e["node"] for e in found["clients"]["edges"]]
    world.global_ids = {
        "Client": [c["id"] for c in clients],
        "Contact": [x["id"] for c in clients for x in c["contacts"]],
        "Address": [x["id"] for c in clients for x in c["addresses"]],
        "Item": item_gids,
        "Document": [document["createDocument"]["document"]["id"]],
        "BusinessPartner": partner_gids,
        "Company": [catalogs["co"]["company"]["id"]],
        "OnboardedAccount": [e["node"]["id"] for e in onboarded["onboardedAccounts"]["edges"]],
        "PartnerStatus": [x["id"] for x in found["partnerStatuses"]],
        "PartnerContactType": [x["id"] for x in found["contactTypes"]],
    }
    world.examples = examples(world)
    return world


def examples(world: World) -> dict[str, Any]:
    """A valid body per endpoint that reads one (from the docs and the seeds)."""
    client_id = int(world.path_values["client_id"][0])
    attribute_id = int(world.path_values["item_id"][3])
    location = _partner("P-1", "client")["locations"][0]
    return {
        "POST /auth/login": {"username": world.basic[0], "password": "wrong password"},
        "POST /graphql": {"query": "{ me { account { name } } }", "variables": {}},
        "POST /resellers/clients/batch": [_reseller_item(world.ruc)],
        "POST /v1/clients.json": _CLIENT,
        "PUT /v1/clients/{client_id:int}.json": {
            "id": str(client_id),
            "firstName": "Marcela",
            "maxCredit": "9100",
            "paymentTypeId": "0",
            "dynamicAttributes": [{"description": "41", "dynamicAttributeId": attribute_id}],
        },
        "PUT /v1/clients/points.json": {
            "type": 0,
            "clientId": client_id,
            "description": "Suma puntos",
            "points": 10,
            "orderId": "1",
        },
        "POST /v1/clients/{client_id:int}/contacts.json": _CONTACT,
        "PUT /v1/clients/{client_id:int}/contacts/{contact_id:int}.json": {"contact": _CONTACT},
        "POST /v1/clients/{client_id:int}/addresses.json": _ADDRESS,
        "PUT /v1/clients/{client_id:int}/addresses/{address_id:int}.json": {**_ADDRESS, "state": 0},
        "POST /BusinessPartner/create": [_partner("P-9", "client")],
        "POST /BusinessPartner/assignClientsToAgent": [
            {"agentId": "A-1", "clients": [{"idRemote": "P-1"}, {"idRemote": "P-2"}]}
        ],
        "PUT /BusinessPartner/update/{ref:path}": {
            "contactName": "Ana",
            "statusId": "active",
            "agentId": "A-1",
            "active": True,
            "locations": [location, {"locationId": "L-P-2"}],
        },
    }
