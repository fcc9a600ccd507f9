"""Issue §5 for the Bsale dialect: every kind of bad input gets a clear 4xx ``{"error": ...}``,
never a 500, and nothing is written (both tenants' data is compared before and after)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from clientgate.container import Services
from core.clients.model import AttributeInput, CatalogKind, ClientChanges, PointsOperation
from tests.rest_compat.bsale.conftest import Tenant
from tests.support.callers import caller

MISSING = 987654321


@dataclass
class World:
    a: Any  # the caller's tenant
    b: Any  # another tenant
    ids: dict[str, int]


@pytest.fixture(scope="module")
async def world(services: Services) -> World:
    """Two tenants with a client each, shared by every case of a module: no case may change
    them, which each case asserts."""
    tenants = []
    for name in ("a", "b"):
        new = await services.accounts.create_account(name=f"bad-input {name}", country="PE")
        acc = new.account
        svc = services.clients
        tenants.append(
            Tenant(
                account=acc,
                token=new.token,
                payment_type=await svc.add_catalog_item(
                    caller(acc), CatalogKind.PAYMENT_TYPE, "Efectivo"
                ),
                price_list=await svc.add_catalog_item(caller(acc), CatalogKind.PRICE_LIST, "Base"),
                sale_condition=await svc.add_catalog_item(
                    caller(acc), CatalogKind.SALE_CONDITION, "Contado"
                ),
                birthday=await svc.add_attribute_definition(caller(acc), "Cumpleaños"),
                age=await svc.add_attribute_definition(caller(acc), "Edad"),
            )
        )
    a, b = tenants
    svc = services.clients
    ids: dict[str, int] = {}
    for name, t in (("a", a), ("b", b)):
        client = await svc.create(
            caller(t.account),
            ClientChanges(
                {"first_name": name.upper(), "payment_type_id": t.payment_type.id},
                attributes=[AttributeInput(t.age.id, "40")],
            ),
        )
        await svc.change_points(caller(t.account), client.id, PointsOperation.ADD, 5, "start")
        ids[name] = client.id
        ids[f"{name}_contact"] = (
            await svc.add_contact(caller(t.account), client.id, {"phone": "1"})
        ).id
        ids[f"{name}_address"] = (
            await svc.add_address(caller(t.account), client.id, {"address": "x"})
        ).id
        ids[f"{name}_doc"] = (
            await svc.add_document(
                caller(t.account),
                client.id,
                name="F",
                number=1,
                emission_date=1,
                expiration_date=2,
                total_amount=5,
            )
        ).id
    ids["b_pt"] = b.payment_type.id
    ids["b_attr"] = b.age.id
    ids["b_pl"] = b.price_list.id
    return World(a, b, ids)


async def _snapshot(http: Any, world: World) -> list[Any]:
    """Everything both tenants can see, through the API itself."""
    out = []
    for t, cid in ((world.a, world.ids["a"]), (world.b, world.ids["b"])):
        path = "/v1/clients.json?limit=50&expand=[contacts,addresses,attributes,payment_type]"
        r = await http.get(path, headers=t.headers)
        assert r.status_code == 200 and r.json()["items"][0]["id"] == cid
        out.append(r.json())
    return out


J = "application/json"
# (method, path, body: dict → JSON, str → raw bytes, None → no body; status; error mentions)
CASES: list[tuple[str, str, Any, int, str]] = [
    # malformed JSON and wrong top-level shapes
    ("POST", "/v1/clients.json", "{bad", 400, "malformed JSON"),
    ("POST", "/v1/clients.json", "", 400, "body is required"),
    ("POST", "/v1/clients.json", "[1, 2]", 400, "JSON object"),
    ("POST", "/v1/clients.json", '"client"', 400, "JSON object"),
    ("PUT", "/v1/clients/{a}.json", '{"id": "{a}", "district": "x",}', 400, "malformed JSON"),
    ("PUT", "/v1/clients/{a}.json", "\xff\xfe", 400, "malformed JSON"),
    ("POST", "/v1/clients/{a}/contacts.json", "{", 400, "malformed JSON"),
    ("PUT", "/v1/clients/{a}/contacts/{a_contact}.json", "", 400, "body is required"),
    ("POST", "/v1/clients/{a}/addresses.json", "nope", 400, "malformed JSON"),
    ("PUT", "/v1/clients/{a}/addresses/{a_address}.json", "[]", 400, "JSON object"),
    ("PUT", "/v1/clients/points.json", "{", 400, "malformed JSON"),
    # wrong types and values
    ("POST", "/v1/clients.json", {"firstName": 5}, 400, "firstName: must be a string"),
    ("POST", "/v1/clients.json", {"client": {"firstName": ["x"]}}, 400, "firstName"),
    ("POST", "/v1/clients.json", {"firstName": "a", "hasCredit": 2}, 400, "hasCredit"),
    ("POST", "/v1/clients.json", {"firstName": "a", "hasCredit": "yes"}, 400, "hasCredit"),
    ("POST", "/v1/clients.json", {"firstName": "a", "maxCredit": "abc"}, 400, "maxCredit"),
    ("POST", "/v1/clients.json", {"firstName": "a", "maxCredit": True}, 400, "maxCredit"),
    ("POST", "/v1/clients.json", {"firstName": "a", "maxCredit": -5}, 400, "maxCredit"),
    ("POST", "/v1/clients.json", {"firstName": "a", "maxCredit": "1e400"}, 400, "maxCredit"),
    ("POST", "/v1/clients.json", {"firstName": "a", "paymentTypeId": "x"}, 400, "paymentTypeId"),
    ("POST", "/v1/clients.json", {"firstName": "a", "paymentTypeId": -1}, 400, "paymentTypeId"),
    (
        "POST",
        "/v1/clients.json",
        {"firstName": "a", "paymentTypeId": MISSING},
        400,
        "paymentTypeId",
    ),
    ("POST", "/v1/clients.json", {"firstName": "a", "paymentTypeId": "{b_pt}"}, 400, "not found"),
    ("POST", "/v1/clients.json", {"firstName": "a", "priceListId": "{b_pl}"}, 400, "priceListId"),
    ("POST", "/v1/clients.json", {"firstName": "a", "priceListId": 2**70}, 400, "priceListId"),
    ("POST", "/v1/clients.json", {"firstName": "a", "email": "nope"}, 400, "email"),
    ("POST", "/v1/clients.json", {"firstName": "a", "bogus": 1}, 400, "bogus: is not a known"),
    ("POST", "/v1/clients.json", {"firstName": "a", "office": {"id": "1"}}, 400, "office"),
    ("POST", "/v1/clients.json", {"firstName": "a\u0000b"}, 400, "firstName"),
    ("POST", "/v1/clients.json", {"firstName": "a" * 300}, 400, "firstName"),
    ("POST", "/v1/clients.json", {"firstName": "a", "state": None}, 400, "state"),
    (
        "POST",
        "/v1/clients.json",
        {"firstName": "a", "district": "x", "municipality": "y"},
        400,
        "municipality",
    ),
    (
        "POST",
        "/v1/clients.json",
        {"firstName": "a", "dynamicAttributes": "x"},
        400,
        "dynamicAttributes",
    ),
    (
        "POST",
        "/v1/clients.json",
        {"firstName": "a", "dynamicAttributes": [5]},
        400,
        "dynamicAttributes[0]",
    ),
    (
        "POST",
        "/v1/clients.json",
        {
            "firstName": "a",
            "dynamicAttributes": [{"description": "x", "dynamicAttributeId": MISSING}],
        },
        400,
        "dynamicAttributes[0].dynamicAttributeId",
    ),
    (
        "POST",
        "/v1/clients.json",
        {
            "firstName": "a",
            "dynamicAttributes": [{"description": "x", "dynamicAttributeId": "{b_attr}"}],
        },
        400,
        "dynamicAttributes[0].dynamicAttributeId",
    ),
    (
        "POST",
        "/v1/clients.json",
        {"firstName": "a", "dynamicAttributes": [{"description": "x"}]},
        400,
        "is required",
    ),
    ("PUT", "/v1/clients/{a}.json", {"id": "{b}", "firstName": "x"}, 400, "id: does not match"),
    ("PUT", "/v1/clients/{a}.json", {"id": "abc"}, 400, "id"),
    ("PUT", "/v1/clients/{a}.json", {"state": 5}, 400, "state"),
    ("PUT", "/v1/clients/{a}.json", {"firstName": "ok", "lastName": 3}, 400, "lastName"),
    (
        "PUT",
        "/v1/clients/{a}.json",
        {"firstName": "ok", "dynamicAttributes": [{"dynamicAttributeId": MISSING}]},
        400,
        "dynamicAttributeId",
    ),
    ("POST", "/v1/clients/{a}/contacts.json", {"firstName": 5}, 400, "firstName"),
    ("POST", "/v1/clients/{a}/contacts.json", {"firstName": "x", "nick": "y"}, 400, "nick"),
    ("POST", "/v1/clients/{a}/contacts.json", {"firstName": "x", "email": "bad"}, 400, "email"),
    ("PUT", "/v1/clients/{a}/contacts/{a_contact}.json", {"phone": 1}, 400, "phone"),
    ("POST", "/v1/clients/{a}/addresses.json", {"address": "x", "city": 1}, 400, "city"),
    ("PUT", "/v1/clients/{a}/addresses/{a_address}.json", {"state": 3}, 400, "state"),
    ("PUT", "/v1/clients/{a}/addresses/{a_address}.json", {"address": ""}, 400, "address"),
    ("PUT", "/v1/clients/points.json", {"type": 2, "clientId": "{a}", "points": 1}, 400, "type"),
    ("PUT", "/v1/clients/points.json", {"type": 0, "clientId": "{a}", "points": -1}, 400, "points"),
    ("PUT", "/v1/clients/points.json", {"type": 0, "clientId": "{a}", "points": 0}, 400, "points"),
    (
        "PUT",
        "/v1/clients/points.json",
        {"type": 0, "clientId": "{a}", "points": "x"},
        400,
        "points",
    ),
    (
        "PUT",
        "/v1/clients/points.json",
        {"type": 0, "clientId": "{a}", "points": 1.5},
        400,
        "points",
    ),
    ("PUT", "/v1/clients/points.json", {"type": 0, "clientId": "x", "points": 1}, 400, "clientId"),
    (
        "PUT",
        "/v1/clients/points.json",
        {"type": 0, "clientId": "{a}", "points": 1, "extra": 1},
        400,
        "extra",
    ),
    ("PUT", "/v1/clients/points.json", {"type": 1, "clientId": "{a}", "points": 6}, 400, "points"),
    # missing required fields
    ("POST", "/v1/clients.json", {}, 400, "firstName"),
    ("POST", "/v1/clients.json", {"note": "only a note"}, 400, "firstName"),
    ("POST", "/v1/clients/{a}/contacts.json", {}, 400, "firstName"),
    ("POST", "/v1/clients/{a}/addresses.json", {"addressName": "x"}, 400, "address: is required"),
    ("PUT", "/v1/clients/points.json", {"clientId": "{a}", "points": 1}, 400, "type: is required"),
    ("PUT", "/v1/clients/points.json", {"type": 0, "points": 1}, 400, "clientId: is required"),
    ("PUT", "/v1/clients/points.json", {"type": 0, "clientId": "{a}"}, 400, "points: is required"),
    ("GET", "/v1/clients/unpaid_documents.json", None, 400, "clientid"),
    # unknown ids
    ("GET", f"/v1/clients/{MISSING}.json", None, 404, "not found"),
    ("GET", "/v1/clients/0.json", None, 404, "not found"),
    ("GET", "/v1/clients/99999999999999999999999.json", None, 404, "not found"),
    ("GET", "/v1/clients/abc.json", None, 404, "not found"),
    ("PUT", f"/v1/clients/{MISSING}.json", {"firstName": "x"}, 404, "not found"),
    ("DELETE", f"/v1/clients/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/clients/{MISSING}/contacts.json", None, 404, "not found"),
    ("POST", f"/v1/clients/{MISSING}/contacts.json", {"firstName": "x"}, 404, "not found"),
    ("GET", f"/v1/clients/{{a}}/contacts/{MISSING}.json", None, 404, "not found"),
    ("PUT", f"/v1/clients/{{a}}/contacts/{MISSING}.json", {"phone": "2"}, 404, "not found"),
    ("DELETE", f"/v1/clients/{{a}}/contacts/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/clients/{MISSING}/addresses.json", None, 404, "not found"),
    ("POST", f"/v1/clients/{MISSING}/addresses.json", {"address": "x"}, 404, "not found"),
    ("GET", f"/v1/clients/{{a}}/addresses/{MISSING}.json", None, 404, "not found"),
    ("PUT", f"/v1/clients/{{a}}/addresses/{MISSING}.json", {"city": "x"}, 404, "not found"),
    ("DELETE", f"/v1/clients/{{a}}/addresses/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/clients/{MISSING}/attributes.json", None, 404, "not found"),
    (
        "PUT",
        "/v1/clients/points.json",
        {"type": 0, "clientId": MISSING, "points": 1},
        404,
        "not found",
    ),
    ("GET", f"/v1/clients/unpaid_documents.json?clientid={MISSING}", None, 404, "not found"),
    ("GET", "/v1/clients/unpaid_documents.json?code=20100070970", None, 404, "not found"),
    ("GET", f"/v1/documents/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/payment_types/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/price_lists/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/sale_conditions/{MISSING}.json", None, 404, "not found"),
    ("GET", f"/v1/dynamic_attributes/{MISSING}.json", None, 404, "not found"),
    # limit and offset
    ("GET", "/v1/clients.json?limit=-1", None, 400, "limit"),
    ("GET", "/v1/clients.json?limit=abc", None, 400, "limit"),
    ("GET", "/v1/clients.json?limit=", None, 400, "limit"),
    ("GET", "/v1/clients.json?limit=0", None, 400, "limit"),
    ("GET", "/v1/clients.json?limit=1.5", None, 400, "limit"),
    ("GET", "/v1/clients.json?offset=-1", None, 400, "offset"),
    ("GET", "/v1/clients.json?offset=x", None, 400, "offset"),
    ("GET", "/v1/clients.json?offset=99999999999999999999", None, 400, "offset"),
    ("GET", "/v1/clients.json?limit=1&limit=2", None, 400, "more than once"),
    ("GET", "/v1/clients/{a}/addresses.json?offset=-3", None, 400, "offset"),
    ("GET", "/v1/clients/{a}/attributes.json?limit=x", None, 400, "limit"),
    ("GET", "/v1/dynamic_attributes.json?offset=a", None, 400, "offset"),
    # fields and expand
    ("GET", "/v1/clients.json?fields=[firstname", None, 400, "such as [a,b] or a,b"),
    ("GET", "/v1/clients.json?expand=contacts]", None, 400, "such as [a,b] or a,b"),
    ("GET", "/v1/clients.json?expand=contacts,,addresses", None, 400, "empty name"),
    ("GET", "/v1/clients.json?expand=", None, 400, "empty name"),
    ("GET", "/v1/clients.json?fields=firstname,bogus", None, 400, "bogus"),
    ("GET", "/v1/clients.json?fields=[a,,b]", None, 400, "empty name"),
    ("GET", "/v1/clients.json?fields=[firstname,,lastname]", None, 400, "empty name"),
    ("GET", "/v1/clients.json?fields=[]", None, 400, "empty name"),
    ("GET", "/v1/clients.json?fields=[firstname,bogus]", None, 400, "bogus"),
    ("GET", "/v1/clients.json?expand=[office]", None, 400, "office"),
    ("GET", "/v1/clients.json?expand=[contacts,]", None, 400, "empty name"),
    ("GET", "/v1/clients/{a}.json?expand=[contact]", None, 400, "contact"),
    ("GET", "/v1/clients/{a}.json?fields=(firstname)", None, 400, "(firstname)"),
    # malformed filters (unknown ones are ignored: test_sdk_callers.py)
    ("GET", "/v1/clients.json?state=2", None, 400, "state"),
    ("GET", "/v1/clients.json?state=abc", None, 400, "state"),
    ("GET", "/v1/clients.json?paymenttypeid=abc", None, 400, "paymenttypeid"),
    ("GET", "/v1/clients.json?paymenttypeid=-1", None, 400, "paymenttypeid"),
    (
        "GET",
        "/v1/clients.json?salesconditionid=99999999999999999999",
        None,
        400,
        "salesconditionid",
    ),
    ("GET", "/v1/clients.json?firstname=a%00b", None, 400, "firstname"),
    ("GET", "/v1/clients/count.json?state=7", None, 400, "state"),
    ("GET", "/v1/clients/{a}/addresses.json?state=9", None, 400, "state"),
    ("GET", "/v1/clients/{a}/addresses.json?district=a&municipality=b", None, 400, "municipality"),
    ("GET", "/v1/clients/unpaid_documents.json?clientid=abc", None, 400, "clientid"),
    (
        "GET",
        "/v1/clients/unpaid_documents.json?clientid={a}&comparisondate=x",
        None,
        400,
        "comparisondate",
    ),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]  # a lone placeholder stands for the id as a number
        for key in sorted(ids, key=len, reverse=True):
            value = value.replace("{" + key + "}", str(ids[key]))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "mentions"),
    CASES,
    ids=[f"{c[0]} {c[1]} {str(c[2])[:40]}" for c in CASES],
)
async def test_bad_input_is_a_clear_4xx_and_writes_nothing(
    http: Any, world: World, method: str, path: str, body: Any, status: int, mentions: str
) -> None:
    before = await _snapshot(http, world)
    url = _fill(path, world.ids)
    kwargs: dict[str, Any] = {"headers": dict(world.a.headers)}
    if isinstance(body, dict):
        kwargs["json"] = _fill(body, world.ids)
    elif isinstance(body, str):
        raw = body
        for key, value in world.ids.items():
            raw = raw.replace("{" + key + "}", str(value))
        kwargs["content"] = raw.encode("latin-1")
        kwargs["headers"]["content-type"] = J
    r = await http.request(method, str(url), **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(J)
    got = r.json()
    assert list(got) == ["error"] and mentions in got["error"], got
    assert await _snapshot(http, world) == before


# Paths that name one of the other tenant's rows: answered exactly like a missing row.
FOREIGN: list[tuple[str, str, Any]] = [
    ("GET", "/v1/clients/{b}.json", None),
    ("PUT", "/v1/clients/{b}.json", {"firstName": "hacked"}),
    ("DELETE", "/v1/clients/{b}.json", None),
    ("GET", "/v1/clients/{b}/contacts.json", None),
    ("POST", "/v1/clients/{b}/contacts.json", {"firstName": "x"}),
    ("GET", "/v1/clients/{b}/contacts/{b_contact}.json", None),
    ("PUT", "/v1/clients/{b}/contacts/{b_contact}.json", {"phone": "9"}),
    ("DELETE", "/v1/clients/{b}/contacts/{b_contact}.json", None),
    ("DELETE", "/v1/clients/{a}/contacts/{b_contact}.json", None),
    ("GET", "/v1/clients/{b}/addresses.json", None),
    ("POST", "/v1/clients/{b}/addresses.json", {"address": "x"}),
    ("GET", "/v1/clients/{b}/addresses/{b_address}.json", None),
    ("PUT", "/v1/clients/{b}/addresses/{b_address}.json", {"city": "x"}),
    ("DELETE", "/v1/clients/{b}/addresses/{b_address}.json", None),
    ("PUT", "/v1/clients/{a}/addresses/{b_address}.json", {"city": "x"}),
    ("GET", "/v1/clients/{b}/attributes.json", None),
    ("PUT", "/v1/clients/points.json", {"type": 0, "clientId": "{b}", "points": 1}),
    ("GET", "/v1/clients/unpaid_documents.json?clientid={b}", None),
    ("GET", "/v1/documents/{b_doc}.json", None),
    ("GET", "/v1/payment_types/{b_pt}.json", None),
    ("GET", "/v1/price_lists/{b_pl}.json", None),
    ("GET", "/v1/dynamic_attributes/{b_attr}.json", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), FOREIGN, ids=[f"{m} {p}" for m, p, _ in FOREIGN]
)
async def test_another_tenants_row_answers_like_a_missing_one(
    http: Any, world: World, method: str, path: str, body: Any
) -> None:
    before = await _snapshot(http, world)
    foreign = dict(world.ids)
    missing = {k: (MISSING if k.startswith("b") else v) for k, v in world.ids.items()}
    answers = []
    for ids in (foreign, missing):
        kwargs: dict[str, Any] = {"headers": world.a.headers}
        if body is not None:
            kwargs["json"] = _fill(body, ids)
        r = await http.request(method, str(_fill(path, ids)), **kwargs)
        assert r.status_code == 404, r.text
        text = r.json()["error"]
        # Longest first: one id may be part of another ("4" of "14").
        for value in sorted((str(v) for k, v in ids.items() if k.startswith("b")), key=len)[::-1]:
            text = text.replace(value, "<id>")
        answers.append((r.status_code, list(r.json()), text))
    assert answers[0] == answers[1]
    assert await _snapshot(http, world) == before
