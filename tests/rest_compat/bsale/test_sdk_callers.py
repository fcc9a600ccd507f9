"""What real Bsale callers send (issue 12 §6): the TypeScript SDK's plain comma lists, limits
above 50, parameters a path does not know, Peru's ``municipality``, ``""`` for unset text, and a
code several clients share. On both databases."""

from __future__ import annotations

from typing import Any

import pytest
from structlog.testing import capture_logs

from clientgate.container import Services
from httpkit.logging import configure_logging

DISTRICT_KEYS = ("district", "municipality")


async def _client(http: Any, t: Any, **body: Any) -> dict[str, Any]:
    r = await http.post("/v1/clients.json", headers=t.headers, json=body or {"firstName": "F"})
    assert r.status_code == 201, r.text
    return dict(r.json())


# -- expand and fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expand", "fields"),
    [
        ("contacts,attributes", "firstname,lastname"),  # the SDK's helpers
        ("[contacts,attributes]", "[firstname,lastname]"),  # the seeds
        ("Contacts, ATTRIBUTES", "FirstName, LASTNAME"),
    ],
)
async def test_expand_and_fields_take_plain_and_bracketed_lists(
    http: Any, make_tenant: Any, expand: str, fields: str
) -> None:
    t = await make_tenant("CL")
    cid = (await _client(http, t, firstName="Ana", lastName="Paz"))["id"]
    await http.post(f"/v1/clients/{cid}/contacts.json", headers=t.headers, json={"firstName": "C"})

    r = await http.get(f"/v1/clients.json?expand={expand}&fields={fields}", headers=t.headers)
    assert r.status_code == 200, r.text
    item = r.json()["items"][0]
    assert list(item) == ["href", "id", "firstName", "lastName", "contacts", "attributes"]
    assert item["contacts"]["count"] == 1 and item["attributes"]["count"] == 0

    r = await http.get(f"/v1/clients/{cid}.json?expand={expand}", headers=t.headers)
    assert r.status_code == 200 and r.json()["contacts"]["items"][0]["firstName"] == "C"


# -- limit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["51", "100", "99999999999999999999999"])
async def test_limit_above_50_is_capped_to_50(http: Any, make_tenant: Any, limit: str) -> None:
    t = await make_tenant("CL")
    for _ in range(3):
        await _client(http, t)
    r = await http.get(f"/v1/clients.json?limit={limit}", headers=t.headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert (page["limit"], page["count"], len(page["items"])) == (50, 3, 3)
    assert "next" not in page  # no more items


async def test_capped_limit_pages_by_50_and_next_only_while_more(
    http: Any, make_tenant: Any
) -> None:
    t = await make_tenant("CL")
    cid = (await _client(http, t))["id"]
    for n in range(51):
        r = await http.post(
            f"/v1/clients/{cid}/contacts.json", headers=t.headers, json={"firstName": f"C{n}"}
        )
        assert r.status_code == 201
    r = await http.get(f"/v1/clients/{cid}/contacts.json?limit=500", headers=t.headers)
    page = r.json()
    assert (page["limit"], page["count"], len(page["items"])) == (50, 51, 50)
    assert page["next"] == (f"http://testserver/v1/clients/{cid}/contacts.json?limit=50&offset=50")
    r = await http.get(page["next"], headers=t.headers)
    last = r.json()
    assert (last["offset"], len(last["items"])) == (50, 1) and "next" not in last


# -- unknown parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/clients/count.json?limit=5",  # the SDK's count
        "/v1/clients/count.json?state=0&offset=3&expand=contacts",
        "/v1/clients.json?bogus=1&office=1",
        "/v1/clients/{a}.json?limit=5&bogus=",
        "/v1/clients/{a}/contacts.json?firstname=x",
        "/v1/clients/{a}/addresses.json?zip=1",
        "/v1/clients/unpaid_documents.json?clientid={a}&state=0",
        "/v1/payment_types.json?q=x",
        "/v1/clients/{a}/attributes.json?expand=[x]",
    ],
)
async def test_unknown_query_parameters_are_ignored(http: Any, make_tenant: Any, path: str) -> None:
    t = await make_tenant("CL")
    cid = (await _client(http, t))["id"]
    url = path.replace("{a}", str(cid))
    bare = url.split("?")[0]
    known = "clientid=" + str(cid) if "unpaid" in url else "state=0" if "state=0" in url else ""
    r = await http.get(url, headers=t.headers)
    assert r.status_code == 200, r.text
    assert r.json() == (await http.get(f"{bare}?{known}", headers=t.headers)).json()


async def test_ignored_parameters_are_logged_at_debug_by_name_only(
    http: Any, make_tenant: Any, services: Services
) -> None:
    t = await make_tenant("CL")
    configure_logging("DEBUG")  # the most verbose level, for this test only
    try:
        with capture_logs() as logs:
            r = await http.get("/v1/clients/count.json?limit=5&Secret=hunter2", headers=t.headers)
    finally:
        configure_logging(services.settings.log_level, services.settings.log_json)
    assert r.status_code == 200
    ignored = [e for e in logs if e["event"] == "bsale_query_parameters_ignored"]
    assert ignored == [
        {
            "event": "bsale_query_parameters_ignored",
            "log_level": "debug",
            "names": ["Secret", "limit"],
        }
    ]
    assert "hunter2" not in repr(logs)


async def test_unknown_parameters_on_writes_are_ignored(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("CL")
    r = await http.post("/v1/clients.json?expand=[contacts]", headers=t.headers, json={"code": "x"})
    assert r.status_code == 201 and r.json()["contacts"] == {
        "href": f"http://testserver/v1/clients/{r.json()['id']}/contacts.json"
    }
    r = await http.delete(f"/v1/clients/{r.json()['id']}.json?force=1", headers=t.headers)
    assert r.status_code == 200 and r.json()["state"] == 1


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("state=2", "state"),
        ("limit=1&limit=2", "more than once"),
        ("expand=[contacts", "expand"),
        ("fields=firstname,bogus", "bogus"),
        ("bogus=1&offset=-1", "offset"),  # the unknown one is ignored, the bad one is not
    ],
)
async def test_bad_values_of_known_parameters_stay_400(
    http: Any, make_tenant: Any, query: str, named: str
) -> None:
    t = await make_tenant("CL")
    r = await http.get(f"/v1/clients.json?{query}", headers=t.headers)
    assert r.status_code == 400 and named in r.json()["error"], r.text
    assert "bogus=1" not in r.text


# -- Peru's two names ---------------------------------------------------------------------------


async def test_peru_answers_district_and_municipality_everywhere(
    http: Any, make_tenant: Any
) -> None:
    t = await make_tenant("PE")
    c = await _client(http, t, firstName="Gabriel", municipality="Miraflores")
    assert (c["district"], c["municipality"]) == ("Miraflores", "Miraflores")
    keys = list(c)
    assert keys.index("municipality") == keys.index("district") + 1
    cid = c["id"]
    listed = (await http.get("/v1/clients.json?expand=addresses", headers=t.headers)).json()
    assert all(listed["items"][0][k] == "Miraflores" for k in DISTRICT_KEYS)

    for body in ({"address": "A", "district": "Surco"}, {"address": "B", "municipality": "Lince"}):
        r = await http.post(f"/v1/clients/{cid}/addresses.json", headers=t.headers, json=body)
        assert r.status_code == 201, r.text
    r = await http.get(f"/v1/clients/{cid}/addresses.json", headers=t.headers)
    assert [(a["district"], a["municipality"]) for a in r.json()["items"]] == [
        ("Surco", "Surco"),
        ("Lince", "Lince"),
    ]
    # The filter accepts either name.
    for name in DISTRICT_KEYS:
        r = await http.get(f"/v1/clients/{cid}/addresses.json?{name}=lince", headers=t.headers)
        assert [a["address"] for a in r.json()["items"]] == ["B"], name

    # fields keeps the name asked for; both names keep both.
    r = await http.get("/v1/clients.json?fields=municipality", headers=t.headers)
    assert list(r.json()["items"][0]) == ["href", "id", "municipality"]
    r = await http.get("/v1/clients.json?fields=[district,municipality]", headers=t.headers)
    assert list(r.json()["items"][0]) == ["href", "id", "district", "municipality"]


async def test_chile_answers_municipality_only(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("CL")
    c = await _client(http, t, firstName="A", district="Providencia")
    assert c["municipality"] == "Providencia" and "district" not in c
    r = await http.get("/v1/clients.json?fields=district", headers=t.headers)
    assert list(r.json()["items"][0]) == ["href", "id", "municipality"]


# -- "" for unset text ------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["PE", "CL"])
async def test_unset_text_answers_as_the_seeds_show_it(
    http: Any, make_tenant: Any, country: str
) -> None:
    t = await make_tenant(country)
    c = await _client(http, t, company="Imaginex")
    text_keys = [
        "lastName",
        "code",
        "phone",
        "note",
        "facebook",
        "twitter",
        "activity",
        "city",
        "address",
    ]
    district_keys = DISTRICT_KEYS if country == "PE" else ("municipality",)
    assert {k: c[k] for k in [*text_keys, *district_keys]} == dict.fromkeys(
        [*text_keys, *district_keys], ""
    )
    # The examples show these unset as null (seed 001's list), or as numbers.
    assert (c["firstName"], c["email"], c["maxCredit"], c["pointsUpdated"]) == (
        None,
        None,
        None,
        "",
    )
    got = (await http.get(f"/v1/clients/{c['id']}.json", headers=t.headers)).json()
    assert got == c

    c2 = await _client(http, t, firstName="Solo")
    assert c2["company"] == ""

    r = await http.post(
        f"/v1/clients/{c['id']}/contacts.json", headers=t.headers, json={"firstName": "Hernan"}
    )
    assert r.status_code == 201
    contact = r.json()
    assert (contact["lastName"], contact["phone"], contact["email"]) == ("", "", "")
    r = await http.post(
        f"/v1/clients/{c['id']}/addresses.json", headers=t.headers, json={"address": "Calle 1"}
    )
    address = r.json()
    assert {k: address[k] for k in ("addressName", "city", *district_keys)} == dict.fromkeys(
        ("addressName", "city", *district_keys), ""
    )

    r = await http.get(f"/v1/clients/unpaid_documents.json?clientid={c['id']}", headers=t.headers)
    assert r.json()["client"] | {"href": "", "id": 0} == {
        "href": "",
        "id": 0,
        "firstName": None,
        "lastName": "",
        "code": "",
        "company": "Imaginex",
    }


# -- a code several clients share ------------------------------------------------------------


async def _shared_code(http: Any, t: Any, states: list[int]) -> list[int]:
    ids = []
    for n, state in enumerate(states):
        c = await _client(http, t, firstName=f"N{n}", code="7513098-8")
        if state:
            r = await http.delete(f"/v1/clients/{c['id']}.json", headers=t.headers)
            assert r.status_code == 200
        ids.append(c["id"])
    return ids


@pytest.mark.parametrize(
    ("states", "answered"),
    [
        ([0], 0),
        ([1], 0),  # one client with the code: that one, active or not
        ([1, 0], 1),  # several: the one active
        ([0, 1, 1], 0),
    ],
)
async def test_unpaid_by_shared_code_answers_the_one_active_client(
    http: Any, make_tenant: Any, states: list[int], answered: int
) -> None:
    t = await make_tenant("CL")
    ids = await _shared_code(http, t, states)
    r = await http.get("/v1/clients/unpaid_documents.json?code=7.513.098-8", headers=t.headers)
    assert r.status_code == 200, r.text
    assert r.json()["client"]["id"] == ids[answered]


@pytest.mark.parametrize("states", [[0, 0], [1, 1], [0, 0, 1]])
async def test_unpaid_by_shared_code_without_one_active_client_is_bsales_400(
    http: Any, make_tenant: Any, states: list[int]
) -> None:
    t = await make_tenant("CL")
    await _shared_code(http, t, states)
    r = await http.get("/v1/clients/unpaid_documents.json?code=7513098-8", headers=t.headers)
    assert r.status_code == 400
    assert r.json() == {"error": "There are more than a client with the code 7513098-8"}


async def test_unpaid_by_clientid_ignores_others_sharing_its_code(
    http: Any, make_tenant: Any
) -> None:
    t = await make_tenant("CL")
    ids = await _shared_code(http, t, [0, 0])
    r = await http.get(
        f"/v1/clients/unpaid_documents.json?clientid={ids[1]}&code=7513098-8", headers=t.headers
    )
    assert r.status_code == 200 and r.json()["client"]["id"] == ids[1]
