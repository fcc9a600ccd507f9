"""What makes an onboarded account findable by its reseller: its search document and the
keys relevance compares (``core/shared/search.py``), written with every insert and update of
its settings."""

from __future__ import annotations

from collections.abc import Mapping

from core.resellers.model import OnboardedAccount
from core.shared import normalise
from core.shared.search import SearchQuery, relevance

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


def onboarded_keys(row: Mapping[str, object]) -> dict[str, str | None]:
    """The stored key columns of an account whose settings are ``row``: its search document
    and what relevance compares (folded company name, e-mail, both phones' keys). The RUC,
    digits only, is its own tax id key."""
    texts = {name: value if isinstance(value, str) else None for name, value in row.items()}
    return {
        "name_key": normalise.text_key(texts.get("company_name")),
        "email_key": normalise.email_key(texts.get("email")),
        "phone_key": normalise.phone_key(texts.get("phone_number")),
        "mobile_key": normalise.phone_key(texts.get("mobile_number")),
        "search_text": onboarded_search_text(row),
    }


def onboarded_relevance(account: OnboardedAccount, query: SearchQuery) -> int:
    """The tier of ``account`` among the matches of ``query`` (its cursor's tier)."""
    fields = {name: getattr(account, name) for name in KEY_SOURCES}
    return relevance({**onboarded_keys(fields), "tax_id_key": account.ruc}, query)
