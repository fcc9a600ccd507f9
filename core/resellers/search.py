"""What makes an onboarded account findable by its reseller: its search document
(``core/shared/search.py``), written with every insert and update of its settings."""

from __future__ import annotations

from collections.abc import Mapping

from core.shared import normalise

KEY_SOURCES = ("ruc", "company_name", "email", "phone_number", "mobile_number")


def onboarded_search_text(row: Mapping[str, object]) -> str:
    """RUC, company name, e-mail words and phone digits."""
    texts = {name: value if isinstance(value, str) else "" for name, value in row.items()}
    phones = [normalise.phone_digits(texts.get(n, "")) for n in ("phone_number", "mobile_number")]
    return normalise.document(
        " ".join(normalise.words(texts.get("ruc", ""))),
        " ".join(normalise.words(texts.get("company_name", ""))),
        " ".join(normalise.words(texts.get("email", ""))),
        *phones,
        *(normalise.phone_key(p) for p in phones),
    )
