"""What makes a business partner findable: its search document and name and tax id keys
(``core/shared/search.py``), written with every insert and update of the partner."""

from __future__ import annotations

from collections.abc import Mapping

from core.partners.model import Partner
from core.shared import normalise
from core.shared.search import SearchQuery, relevance

KEY_SOURCES = ("contact_name", "comercial_name", "tin", "id_remote")


def _texts(row: Mapping[str, object]) -> dict[str, str]:
    return {name: value if isinstance(value, str) else "" for name, value in row.items()}


def partner_search_text(row: Mapping[str, object]) -> str:
    """Contact and commercial names, the tin without separators and the remote id."""
    texts = _texts(row)
    tin = normalise.tax_id_key(texts.get("tin")) or ""
    return normalise.document(
        " ".join(normalise.words(texts.get("contact_name", ""))),
        " ".join(normalise.words(texts.get("comercial_name", ""))),
        " ".join(normalise.words(tin)),
        " ".join(normalise.words(texts.get("id_remote", ""))),
    )


def partner_keys(row: Mapping[str, object]) -> dict[str, str | None]:
    """The stored key columns of a partner whose fields are ``row``: its search document and
    what relevance compares (both names folded, the tin without separators)."""
    texts = _texts(row)
    return {
        "name_key": normalise.text_key(texts.get("contact_name")),
        "comercial_name_key": normalise.text_key(texts.get("comercial_name")),
        "tax_id_key": normalise.tax_id_key(texts.get("tin")),
        "search_text": partner_search_text(row),
    }


def partner_relevance(partner: Partner, query: SearchQuery) -> int:
    """The tier of ``partner`` among the matches of ``query`` (its cursor's tier); an exact
    idRemote counts as an exact match."""
    fields = {name: getattr(partner, name) for name in KEY_SOURCES}
    return relevance({**partner_keys(fields), "id_remote": partner.id_remote}, query)
