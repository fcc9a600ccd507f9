"""What makes a business partner findable: its search document (``core/shared/search.py``),
written with every insert and update of the partner."""

from __future__ import annotations

from collections.abc import Mapping

from core.shared import normalise

KEY_SOURCES = ("contact_name", "comercial_name", "tin", "id_remote")


def partner_search_text(row: Mapping[str, object]) -> str:
    """Contact and commercial names, the tin without separators and the remote id."""
    texts = {name: value if isinstance(value, str) else "" for name, value in row.items()}
    tin = normalise.tax_id_key(texts.get("tin")) or ""
    return normalise.document(
        " ".join(normalise.words(texts.get("contact_name", ""))),
        " ".join(normalise.words(texts.get("comercial_name", ""))),
        " ".join(normalise.words(tin)),
        " ".join(normalise.words(texts.get("id_remote", ""))),
    )
