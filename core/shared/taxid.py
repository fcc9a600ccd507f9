"""Tax identifiers per country, validated and normalised with python-stdnum.

The canonical stored form is the country's compact form (RUT keeps its dash: ``12345678-5``).
An invalid value is kept as typed (trimmed) and flagged, unless the account is strict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from stdnum import exceptions as stdnum_exceptions
from stdnum.cl import rut
from stdnum.es import cif, dni, nie
from stdnum.mx import rfc
from stdnum.pe import cui, ruc

from core.shared.ids import is_ascii_digits

SUPPORTED_COUNTRIES = ("PE", "CL", "MX", "ES")
FOREIGNER_RUT = "55555555-5"


@dataclass(frozen=True)
class TaxIdCheck:
    value: str
    """The canonical form when valid, else the trimmed input."""
    valid: bool | None
    """None when there is nothing to check (empty code)."""
    kind: str | None = None
    message: str | None = None


def _rut_compact(value: str) -> str:
    compact: str = rut.compact(value)
    return f"{compact[:-1]}-{compact[-1]}"


# (kind, stdnum module, how to render the canonical form)
_Rule = tuple[str, ModuleType, Callable[[str], str]]
_RULES: dict[str, list[_Rule]] = {
    "PE": [("RUC", ruc, ruc.compact), ("DNI", cui, cui.compact)],
    "CL": [("RUT", rut, _rut_compact)],
    "MX": [("RFC", rfc, rfc.compact)],
    "ES": [("NIF", dni, dni.compact), ("NIE", nie, nie.compact), ("CIF", cif, cif.compact)],
}


def check_tax_id(country: str, raw: str | None) -> TaxIdCheck:
    value = (raw or "").strip()
    if not value:
        return TaxIdCheck(value="", valid=None)
    rules = _RULES.get(country.upper())
    if rules is None:
        return TaxIdCheck(value=value, valid=None, message=f"no tax-id rules for country {country}")
    last_error = "not a valid tax id"
    for kind, module, render in rules:
        try:
            module.validate(value)
        except stdnum_exceptions.ValidationError as exc:
            last_error = f"not a valid {kind}: {exc}"
            continue
        return TaxIdCheck(value=render(value), valid=True, kind=kind)
    names = "/".join(kind for kind, _, _ in rules)
    if len(rules) > 1:
        last_error = f"not a valid {names}"
    return TaxIdCheck(value=value, valid=False, message=last_error)


def normalise_for_lookup(country: str, raw: str) -> str:
    """The form a code is stored in, so a filter matches however the caller typed it."""
    return check_tax_id(country, raw).value


def ruc_structure_error(value: str) -> str | None:
    """Peru RUC shape rules that hold for every account: 11 digits and a known prefix."""
    if len(value) != 11 or not is_ascii_digits(value):
        return "RUC must be exactly 11 digits"
    if value[:2] not in ("10", "15", "16", "17", "20"):
        return "RUC must start with 10, 15, 16, 17 or 20"
    return None


def ruc_check_digit_ok(value: str) -> bool:
    return bool(ruc.is_valid(value))
