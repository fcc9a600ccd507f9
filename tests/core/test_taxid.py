from __future__ import annotations

import pytest

from core.shared.taxid import (
    check_tax_id,
    normalise_for_lookup,
    ruc_check_digit_ok,
    ruc_structure_error,
)


@pytest.mark.parametrize(
    ("country", "raw", "value", "kind"),
    [
        ("PE", "20100070970", "20100070970", "RUC"),
        ("PE", " 20100070970 ", "20100070970", "RUC"),
        ("PE", "46779354", "46779354", "DNI"),
        ("CL", "92.341.000-7", "92341000-7", "RUT"),
        ("CL", "92341000-7", "92341000-7", "RUT"),
        ("CL", "923410007", "92341000-7", "RUT"),
        ("MX", "GODE561231GR8", "GODE561231GR8", "RFC"),
        ("ES", "54362315K", "54362315K", "NIF"),
        ("ES", "X2482300W", "X2482300W", "NIE"),
        ("ES", "J99216582", "J99216582", "CIF"),
    ],
)
def test_valid_codes_are_normalised(country: str, raw: str, value: str, kind: str) -> None:
    check = check_tax_id(country, raw)
    assert check.valid is True
    assert check.value == value
    assert check.kind == kind


@pytest.mark.parametrize(
    ("country", "raw"),
    [
        ("PE", "20713128381"),
        ("PE", "123"),
        ("CL", "2-7"),
        ("CL", "1-8"),
        ("MX", "XXXX"),
        ("ES", "12345678A"),
    ],
)
def test_invalid_codes_are_kept_as_typed_and_flagged(country: str, raw: str) -> None:
    check = check_tax_id(country, raw)
    assert check.valid is False
    assert check.value == raw
    assert check.message


def test_empty_code_is_not_checked() -> None:
    assert check_tax_id("PE", "").valid is None
    assert check_tax_id("CL", None).value == ""


def test_lookup_normalises_like_storage() -> None:
    assert normalise_for_lookup("CL", "92.341.000-7") == normalise_for_lookup("CL", "923410007")


def test_ruc_structure_rules() -> None:
    assert ruc_structure_error("20713128381") is None  # the reseller seed's example
    assert ruc_check_digit_ok("20713128381") is False  # ... fails the check digit
    assert ruc_structure_error("2071312838") == "RUC must be exactly 11 digits"
    assert ruc_structure_error("30713128381") is not None
    assert ruc_structure_error("2071312838a") is not None


def test_ruc_structure_takes_ascii_digits_only() -> None:
    """``str.isdigit`` took ``²`` (then ``int`` refused it: a 500 on the reseller batch) and
    Arabic-Indic digits; a RUC is 11 ASCII digits."""
    assert ruc_structure_error("20100070970") is None
    for bad in ("2010007097\u00b2", "\u0662\u0660100070970"):
        assert ruc_structure_error(bad) == "RUC must be exactly 11 digits"
