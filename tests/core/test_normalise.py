"""The one normalisation behind filters, search and duplicate keys."""

from __future__ import annotations

import pytest

from core.clients.search import client_keys
from core.partners.search import partner_keys
from core.resellers.search import onboarded_keys
from core.shared import normalise
from core.shared.errors import InvalidInput
from core.shared.search import EXACT, NAME_PREFIX, OTHER, parse_search, relevance, tiers_after


@pytest.mark.parametrize("typed", ["munoz", "MUÑOZ", "Muñoz", "  muÑoz ", "MUN\u0303OZ"])
def test_fold_meets_accents_and_case(typed: str) -> None:
    assert normalise.fold(typed) == normalise.fold("Muñoz") == "munoz"


def test_fold_handles_letters_without_decomposition_and_spaces() -> None:
    assert normalise.fold("Lucía  ØSTER\tStraße Œuvre") == "lucia oster strasse oeuvre"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("+51 987 654 321", "987654321"),
        ("0051-987-654-321", "987654321"),
        ("987654321", "987654321"),
        ("(01) 234-5678", "012345678"),
        ("\uff19\uff18\uff17654321", "987654321"),
        ("12 34", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_key_is_the_last_nine_digits(typed: str | None, key: str | None) -> None:
    assert normalise.phone_key(typed) == key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("12.345.678-k", "12345678K"),
        ("12345678K", "12345678K"),
        ("20-12345678-9", "20123456789"),
        (" 20123456789 ", "20123456789"),
        ("X-1234567-L", "X1234567L"),
        ("GODE561231GR8", "GODE561231GR8"),
        ("--", None),
        (None, None),
    ],
)
def test_tax_id_key_drops_separators(typed: str | None, key: str | None) -> None:
    assert normalise.tax_id_key(typed) == key


def test_email_key_is_case_insensitive() -> None:
    assert normalise.email_key(" Lucía.M@Mail.COM ") == "lucia.m@mail.com"
    assert normalise.email_key("") is None


def test_search_terms_compact_numbers_and_split_words() -> None:
    assert normalise.search_terms("+51 987 654 321") == ["51987654321"]
    assert normalise.search_terms("12.345.678-K Muñoz") == ["12345678", "k", "munoz"]
    assert normalise.search_terms("20-12345678-9") == ["20123456789"]
    assert normalise.search_terms("(01) 234-5678 ana") == ["012345678", "ana"]
    assert normalise.search_terms("juan.perez84@mail") == ["juan", "perez", "84", "mail"]
    assert normalise.search_terms("Lucía lucia LUCIA") == ["lucia"]
    assert normalise.search_terms("  ") == []


def test_client_keys_and_document() -> None:
    keys = client_keys(
        {
            "first_name": "Lucía",
            "last_name": "Muñoz",
            "company": None,
            "email": "Lucia.M2@Mail.com",
            "phone": "+51 987 654 321",
            "code": "20.123.456-789",
            "city": " Bogotá ",
        }
    )
    assert keys == {
        "first_name_key": "lucia",
        "last_name_key": "munoz",
        "name_key": "lucia munoz",
        "email_key": "lucia.m2@mail.com",
        "phone_key": "987654321",
        "tax_id_key": "20123456789",
        "city_key": "bogota",
        "search_text": " lucia munoz m 2 mail com 20123456789 51987654321 987654321 ",
    }
    assert client_keys({})["search_text"] == ""


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("x" * 201, "TOO_LONG"),
        ("1 a 2 b 3 c 4 d 5", "TOO_LONG"),
        ("-- !!", "INVALID"),
        ("a\x00", "INVALID"),
    ],
)
def test_parse_search_bounds(typed: str, code: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_search(typed, "q")
    assert (info.value.errors[0].field, info.value.errors[0].code) == ("q", code)


def test_parse_search_keys_and_relevance() -> None:
    query = parse_search(" Lucía MUÑOZ ")
    assert query is not None
    assert (query.terms, query.name) == (("lucia", "munoz"), "lucia munoz")
    assert parse_search("   ") is None and parse_search(None) is None
    keys = client_keys({"first_name": "Lucía", "last_name": "Muñoz Soto", "code": "1-9"})
    assert relevance(keys, query) == NAME_PREFIX
    assert relevance({**keys, "name_key": "lucia munoz"}, query) == EXACT
    assert relevance(keys, parse_search("soto") or query) == OTHER
    assert relevance(keys, parse_search("1.9") or query) == EXACT  # the tax id, typed otherwise


def test_relevance_of_several_names_phones_and_an_identifier() -> None:
    """A partner ranks on either name, its tin or its idRemote as typed; an onboarded account
    on its company name, RUC, e-mail or either phone."""
    partner = {
        **partner_keys(
            {"contact_name": "Lucía Núñez", "comercial_name": "Ñandú SAC", "tin": "20.100.070.970"}
        ),
        "id_remote": "P-7",
    }
    assert partner["comercial_name_key"] == "nandu sac" and partner["tax_id_key"] == "20100070970"

    def tier(keys: dict[str, str | None], typed: str) -> int:
        query = parse_search(typed)
        assert query is not None
        return relevance(keys, query)

    assert [tier(partner, t) for t in ("NANDU sac", "lucia nunez", "20100070970", "P-7")] == [
        EXACT
    ] * 4
    assert [tier(partner, t) for t in ("nandu", "Lucía", "p-7", "sac")] == [
        NAME_PREFIX,
        NAME_PREFIX,
        OTHER,  # an idRemote compares as typed
        OTHER,
    ]
    account = {
        **onboarded_keys(
            {"company_name": "Panadería Ñuñoa", "phone_number": None, "mobile_number": "987654321"}
        ),
        "tax_id_key": "20100070970",
    }
    assert tier(account, "+51 987 654 321") == EXACT  # the mobile's key
    assert tier(account, "20100070970") == EXACT
    assert tier(account, "panaderia") == NAME_PREFIX
    assert tier(account, "nunoa") == OTHER


def test_tiers_after_a_cursor() -> None:
    assert tiers_after(None, False) == [(EXACT, None), (NAME_PREFIX, None), (OTHER, None)]
    assert tiers_after((NAME_PREFIX, 9), False) == [(NAME_PREFIX, 9), (OTHER, None)]
    assert tiers_after((NAME_PREFIX, 9), True) == [(NAME_PREFIX, 9), (EXACT, None)]
    assert tiers_after((OTHER, 9), True) == [(OTHER, 9), (NAME_PREFIX, None), (EXACT, None)]
    assert tiers_after((7, 9), False) == []  # a forged tier: past every tier
    assert tiers_after((7, 9), True) == [(OTHER, None), (NAME_PREFIX, None), (EXACT, None)]


def test_weak_words_are_checked_not_indexed() -> None:
    query = parse_search("lucia.munoz84@correo.pe")
    assert query is not None
    assert (query.terms, query.checks) == (("lucia", "munoz", "84"), ("correo", "pe"))
    rut = parse_search("12.345.678-K")
    assert rut is not None and (rut.terms, rut.checks) == (("12345678",), ("k",))
    domain = parse_search("@correo.pe")  # nothing else to go by: the domain is the search
    assert domain is not None and (domain.terms, domain.checks) == (("correo", "pe"), ())
    assert normalise.weak_terms("k") == {"k"}
    only = parse_search("k")
    assert only is not None and only.terms == ("k",)
