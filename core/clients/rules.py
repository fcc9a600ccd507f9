"""Pure rules of the clients context: no I/O, so every face and every use case shares them and
tests run them in microseconds. Use cases gather what the rules need (catalogs found, the
current client, the caller's account) and raise ``InvalidInput`` with what they report."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from core.accounts.model import Account
from core.clients.model import (
    ACTIVE,
    CATALOG_RELATIONS,
    CLIENT_WRITABLE,
    FLAG_FIELDS,
    INACTIVE,
    RELATIONS,
    AddressFilter,
    AttributeInput,
    CatalogKind,
    Client,
    ClientFilter,
    PointsOperation,
)
from core.shared.errors import FieldError, InvalidInput
from core.shared.search import parse_search
from core.shared.taxid import FOREIGNER_RUT, check_tax_id, normalise_for_lookup
from core.shared.text import check_text, has_nul

# -- bounds (each one here only; the faces read them from here) ---------------------------------

MAX_LIMIT = 50
"""Largest offset page (the REST dialect's ``limit``, GraphQL's catalog lists' ``first``)."""
MAX_PAGE = 100
"""Largest keyset page of clients."""
MAX_HISTORY = 100
"""Most points movements listed per client."""
MAX_ATTRIBUTES = 100
"""Attribute values one write may set (a list in a body or argument has a bound)."""
MAX_POINTS = 1_000_000_000
DOCUMENT_NUMBER_MIN = -(2**63)
DOCUMENT_NUMBER_MAX = 2**63 - 1
"""A document number is stored in a BIGINT."""
MAX_AMOUNT = Decimal("1e15")
MAX_CREDIT = 1e15

# Text limits: each one matches its column (tests/storage compares them with the tables);
# ``Text`` columns have none, and get the generous 2,000 here.
LONG_TEXT = 2000
CLIENT_TEXT_LIMITS: Mapping[str, int] = {
    "first_name": 255,
    "last_name": 255,
    "email": 254,
    "code": 64,
    "phone": 255,
    "company": 255,
    "note": LONG_TEXT,
    "facebook": 255,
    "twitter": 255,
    "activity": 255,
    "city": 255,
    "district": 255,
    "address": LONG_TEXT,
}
CONTACT_TEXT_LIMITS: Mapping[str, int] = {
    "first_name": 255,
    "last_name": 255,
    "phone": 255,
    "email": 254,
}
ADDRESS_TEXT_LIMITS: Mapping[str, int] = {
    "address_name": 255,
    "address": 255,
    "city": 255,
    "district": 255,
}
ATTRIBUTE_VALUE_LIMIT = LONG_TEXT
NAME_LIMIT = 100
"""Names of catalog items and attribute definitions."""
DESCRIPTION_LIMIT = 255
ORDER_ID_LIMIT = 100
DOCUMENT_NAME_LIMIT = 255

CATALOG_FIELDS: Mapping[str, CatalogKind] = {
    "payment_type_id": CatalogKind.PAYMENT_TYPE,
    "price_list_id": CatalogKind.PRICE_LIST,
    "sale_condition_id": CatalogKind.SALE_CONDITION,
}
_NOT_NULL = frozenset({"state", "company_or_person", "accumulate_points", "send_dte"})
_UNSTRIPPED = frozenset({"note"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REFUSED = object()


# -- one district, two names --------------------------------------------------------------------

DISTRICT_MISMATCH = "must equal district when both are given"


def merge_district(values: dict[str, object]) -> FieldError | None:
    """``district`` (Peru) and ``municipality`` (Chile, Mexico) name one field: a caller may
    give either, or both when they are equal. Moves ``municipality`` into ``district`` and
    returns the error (naming ``municipality``) when both are given and differ."""
    if "municipality" not in values:
        return None
    municipality = values.pop("municipality")
    if "district" in values and values["district"] != municipality:
        return FieldError("municipality", DISTRICT_MISMATCH, "INVALID")
    values["district"] = municipality
    return None


# -- text -------------------------------------------------------------------------------------


def check_email(field: str, value: object, errors: list[FieldError], limit: int) -> None:
    check_text(field, value, errors, limit)
    if isinstance(value, str) and value and not _EMAIL.match(value):
        errors.append(FieldError(field, "is not a valid e-mail address", "INVALID_EMAIL"))


def check_plain_fields(
    values: Mapping[str, object], limits: Mapping[str, int], errors: list[FieldError]
) -> None:
    """Text fields of a contact or an address: known names, strings within their limits."""
    for key, value in values.items():
        if key not in limits:
            errors.append(FieldError(key, "is not a known field", "UNKNOWN_FIELD"))
        elif key == "email":
            check_email(key, value, errors, limits[key])
        else:
            check_text(key, value, errors, limits[key])


def checked_name(name: str) -> str:
    """The trimmed name of a catalog item or an attribute definition."""
    name = name.strip()
    if not name or len(name) > NAME_LIMIT or has_nul(name):
        raise InvalidInput.single(
            "name", f"must be 1 to {NAME_LIMIT} characters, no NUL", "INVALID"
        )
    return name


# -- clients ----------------------------------------------------------------------------------


def catalog_references(changes: Mapping[str, object]) -> dict[str, tuple[CatalogKind, int]]:
    """The catalog ids a change names (well-typed ones only), whose existence the use case
    looks up before ``client_values`` checks them."""
    return {
        key: (CATALOG_FIELDS[key], value)
        for key, value in changes.items()
        if key in CATALOG_FIELDS and isinstance(value, int) and not isinstance(value, bool)
    }


def client_values(
    changes: Mapping[str, object], catalogs_found: Mapping[str, bool], errors: list[FieldError]
) -> dict[str, object]:
    """The writable values of a client change, checked one by one (text trimmed, except the
    note); ``catalogs_found`` says which referenced catalog rows exist."""
    values: dict[str, object] = {}
    for key, value in changes.items():
        result = _client_value(key, value, catalogs_found.get(key, False), errors)
        if result is not _REFUSED:
            values[key] = result
    return values


def _client_value(key: str, value: object, found: bool, errors: list[FieldError]) -> object:
    types = CLIENT_WRITABLE.get(key)
    if types is None:
        errors.append(FieldError(key, "is not a known field", "UNKNOWN_FIELD"))
        return _REFUSED
    if value is None:
        if key in _NOT_NULL:
            errors.append(FieldError(key, "must not be null", "REQUIRED"))
            return _REFUSED
        return "" if key == "code" else None
    if isinstance(value, bool) or not isinstance(value, types):
        kind = "a string" if types == (str,) else "a number"
        errors.append(FieldError(key, f"must be {kind}", "WRONG_TYPE"))
        return _REFUSED
    if key in FLAG_FIELDS:
        return _flag(key, value, errors)
    if key == "max_credit":
        return _max_credit(value, errors)
    if key in CATALOG_FIELDS:
        if not found:
            kind = CATALOG_FIELDS[key]
            errors.append(FieldError(key, f"{kind.value} {value} not found", "NOT_FOUND"))
            return _REFUSED
        return value
    return _client_text(key, value, errors)


def _flag(key: str, value: object, errors: list[FieldError]) -> object:
    if value not in (0, 1):
        errors.append(FieldError(key, "must be 0 or 1", "OUT_OF_RANGE"))
        return _REFUSED
    return value


def _max_credit(value: object, errors: list[FieldError]) -> object:
    assert isinstance(value, int | float)
    if value < 0 or value > MAX_CREDIT or value != value:
        errors.append(FieldError("max_credit", "must be between 0 and 1e15", "OUT_OF_RANGE"))
        return _REFUSED
    return float(value)


def _client_text(key: str, value: object, errors: list[FieldError]) -> object:
    if not isinstance(value, str):
        return value
    if key == "email":
        check_email(key, value, errors, CLIENT_TEXT_LIMITS[key])
    else:
        check_text(key, value, errors, CLIENT_TEXT_LIMITS[key])
    return value if key in _UNSTRIPPED else value.strip()


def apply_tax_id(
    account: Account, values: dict[str, object], current: Client | None, errors: list[FieldError]
) -> None:
    """The tax-id policy: a new client, or a change of ``code``, stores the country's
    canonical form with ``code_valid``; an invalid code is kept and flagged, or refused when
    the account is strict; a foreigner without a code gets the generic ``55555555-5``."""
    if "code" not in values and current is not None:
        return
    is_foreigner = values.get("is_foreigner", current.is_foreigner if current else 0)
    raw = str(values.get("code") or "")
    if not raw and is_foreigner == 1:
        values["code"], values["code_valid"] = FOREIGNER_RUT, None
        return
    check = check_tax_id(account.country, raw)
    if check.valid is False and account.strict_tax_ids:
        errors.append(FieldError("code", check.message or "invalid tax id", "INVALID_TAX_ID"))
    values["code"], values["code_valid"] = check.value, check.valid


def require_name(values: Mapping[str, object], errors: list[FieldError]) -> None:
    """A new client needs something to be known by."""
    if not any(values.get(k) for k in ("first_name", "last_name", "company", "code")):
        errors.append(
            FieldError(
                "first_name",
                "a client needs at least one of first name, last name, company or code",
                "REQUIRED",
            )
        )


def check_attributes(
    attributes: Sequence[AttributeInput], known: Collection[int], errors: list[FieldError]
) -> None:
    """At most MAX_ATTRIBUTES values, each naming a definition of the account (``known``) and
    holding bounded text."""
    if len(attributes) > MAX_ATTRIBUTES:
        errors.append(
            FieldError(
                "dynamic_attributes", f"at most {MAX_ATTRIBUTES} values per write", "OUT_OF_RANGE"
            )
        )
        return
    for index, attr in enumerate(attributes):
        if attr.dynamic_attribute_id not in known:
            errors.append(
                FieldError(
                    f"dynamic_attributes[{index}].dynamic_attribute_id",
                    f"dynamic attribute {attr.dynamic_attribute_id} not found",
                    "NOT_FOUND",
                )
            )
        check_text(f"dynamic_attributes[{index}].value", attr.value, errors, ATTRIBUTE_VALUE_LIMIT)


# -- contacts and addresses ---------------------------------------------------------------------


def check_new_contact(values: Mapping[str, object]) -> None:
    errors: list[FieldError] = []
    check_plain_fields(values, CONTACT_TEXT_LIMITS, errors)
    if not any(values.get(k) for k in ("first_name", "last_name", "email", "phone")):
        errors.append(
            FieldError("first_name", "a contact needs a name, an e-mail or a phone", "REQUIRED")
        )
    if errors:
        raise InvalidInput(errors)


def check_contact_change(values: Mapping[str, object]) -> None:
    errors: list[FieldError] = []
    check_plain_fields(values, CONTACT_TEXT_LIMITS, errors)
    if errors:
        raise InvalidInput(errors)


def check_new_address(values: Mapping[str, object]) -> None:
    errors: list[FieldError] = []
    check_plain_fields(values, ADDRESS_TEXT_LIMITS, errors)
    if not values.get("address"):
        errors.append(FieldError("address", "is required", "REQUIRED"))
    if errors:
        raise InvalidInput(errors)


def check_address_change(values: Mapping[str, object]) -> None:
    errors: list[FieldError] = []
    rest = {k: v for k, v in values.items() if k != "state"}
    check_plain_fields(rest, ADDRESS_TEXT_LIMITS, errors)
    state = values.get("state", ACTIVE)
    if isinstance(state, bool) or state not in (ACTIVE, INACTIVE):
        errors.append(FieldError("state", "must be 0 or 1", "OUT_OF_RANGE"))
    if "address" in values and not values["address"]:
        errors.append(FieldError("address", "must not be empty", "REQUIRED"))
    if errors:
        raise InvalidInput(errors)


# -- filters ----------------------------------------------------------------------------------


def _check_state(state: int | None) -> None:
    if state is not None and state not in (ACTIVE, INACTIVE):
        raise InvalidInput.single("state", "must be 0 or 1", "OUT_OF_RANGE")


def _refuse_nul(pairs: Sequence[tuple[str, str | None]]) -> None:
    errors = [
        FieldError(name, "must not contain NUL characters", "INVALID")
        for name, value in pairs
        if value is not None and has_nul(value)
    ]
    if errors:
        raise InvalidInput(errors)


def normalised_filter(account: Account, flt: ClientFilter) -> ClientFilter:
    """The filter with its state checked and its code in the stored (canonical) form."""
    _check_state(flt.state)
    _refuse_nul(
        [
            ("code", flt.code),
            ("first_name", flt.first_name),
            ("last_name", flt.last_name),
            ("email", flt.email),
        ]
    )
    parse_search(flt.search)  # refuses a search out of bounds
    if flt.code is None:
        return flt
    return ClientFilter(**{**flt.__dict__, "code": normalise_for_lookup(account.country, flt.code)})


def check_address_filter(flt: AddressFilter) -> None:
    _check_state(flt.state)
    _refuse_nul([("address", flt.address), ("city", flt.city), ("district", flt.district)])


def lookup_code(account: Account, code: str) -> str:
    """A code as stored, to find a client by it."""
    _refuse_nul([("code", code)])
    return normalise_for_lookup(account.country, code)


def split_relations(relations: Collection[str]) -> tuple[list[CatalogKind], list[str]]:
    """Catalog relations ride on the page query; the rest get one statement each."""
    unknown = set(relations) - RELATIONS
    if unknown:
        raise InvalidInput.single("expand", f"unknown relation(s): {sorted(unknown)}")
    joined = [CATALOG_RELATIONS[r] for r in relations if r in CATALOG_RELATIONS]
    rest = [r for r in relations if r not in CATALOG_RELATIONS]
    return joined, rest


# -- points -----------------------------------------------------------------------------------


def check_points_change(points: int, description: str, order_id: str | None) -> None:
    errors: list[FieldError] = []
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        errors.append(FieldError("points", "must be a positive integer", "OUT_OF_RANGE"))
    elif points > MAX_POINTS:
        errors.append(FieldError("points", f"must be at most {MAX_POINTS}", "OUT_OF_RANGE"))
    check_text("description", description, errors, DESCRIPTION_LIMIT)
    check_text("order_id", order_id, errors, ORDER_ID_LIMIT)
    if errors:
        raise InvalidInput(errors)


def new_balance(current: float, operation: PointsOperation, points: int) -> float:
    """The balance after a movement: points never go below zero."""
    if operation is PointsOperation.ADD:
        return current + points
    balance = current - points
    if balance < 0:
        raise InvalidInput.single(
            "points",
            f"the client has {current:g} points; cannot subtract {points}",
            "INSUFFICIENT_POINTS",
        )
    return balance


# -- documents and payments ---------------------------------------------------------------------


def money(field: str, raw: object, errors: list[FieldError]) -> Decimal:
    """A positive amount of at most 1e15, to the cent."""
    try:
        if isinstance(raw, bool):
            raise InvalidOperation
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, "must be a number", "WRONG_TYPE"))
        return Decimal(0)
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        # Refused before rounding: quantize() cannot hold 1e400 (it would raise).
        errors.append(FieldError(field, "must be a positive amount", "OUT_OF_RANGE"))
        return Decimal(0)
    return value.quantize(Decimal("0.01"))


def checked_document(
    name: str,
    number: int,
    emission_date: int,
    expiration_date: int,
    total_amount: object,
) -> Decimal:
    """Checks a new document; its total, to the cent."""
    errors: list[FieldError] = []
    check_text("name", name, errors, DOCUMENT_NAME_LIMIT)
    if not name:
        errors.append(FieldError("name", "is required", "REQUIRED"))
    if isinstance(number, bool) or not DOCUMENT_NUMBER_MIN <= number <= DOCUMENT_NUMBER_MAX:
        errors.append(
            FieldError(
                "number",
                f"must be between {DOCUMENT_NUMBER_MIN} and {DOCUMENT_NUMBER_MAX}",
                "OUT_OF_RANGE",
            )
        )
    amount = money("total_amount", total_amount, errors)
    if expiration_date < emission_date:
        errors.append(
            FieldError("expiration_date", "must not be before the emission date", "INVALID")
        )
    if errors:
        raise InvalidInput(errors)
    return amount


def check_payment(amount: Decimal, owed: Decimal) -> None:
    """A payment never takes a document below zero owed."""
    if amount > owed:
        raise InvalidInput.single("amount", f"exceeds the amount owed ({owed})", "OVERPAYMENT")
