"""SQL of a search (``core/shared/search.py``), shared by every searchable table.

- SQLite: the table's FTS5 index (``<table>_fts``, external content over ``search_text``,
  ``unicode61 remove_diacritics 2``), one MATCH of prefix queries ``"word"* AND ...``.
- PostgreSQL: ``search_text LIKE '% word%'`` per word (the document starts with a space, so
  this is a word prefix), served by the trigram GIN index on ``search_text``.

Both read the document written in Python, so the two databases answer alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    column,
    literal,
    literal_column,
    or_,
    select,
    table,
)

from core.shared.search import EXACT, NAME_PREFIX, OTHER, SearchQuery


def like_escape(value: str) -> str:
    """``value`` with ``/`` escaping the LIKE wildcards (use ``escape="/"``)."""
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def search_shape(dialect: str, query: SearchQuery) -> str:
    """The shape element of a search: statements differ by backend and, on PostgreSQL, by
    the number of words."""
    if dialect == "sqlite":
        return "search/fts"
    return f"search/like/{len(query.terms)}"


def search_condition(
    shape: str, fts_table: str, id_col: ColumnElement[Any], document: ColumnElement[Any]
) -> ColumnElement[bool]:
    if shape == "search/fts":
        fts = table(fts_table, column("rowid"))
        match = literal_column(fts_table).op("MATCH")(bindparam("s_match"))
        return id_col.in_(select(fts.c.rowid).where(match))
    count = int(shape.rsplit("/", 1)[1])
    return and_(*(document.like(bindparam(f"s_w{i}")) for i in range(count)))


def search_params(shape: str, query: SearchQuery) -> dict[str, Any]:
    params: dict[str, Any] = {
        "s_name": query.name,
        "s_name_prefix": like_escape(query.name) + "%",
        "s_tax": query.tax_id,
        "s_email": query.email,
        "s_phone": query.phone,
    }
    if shape == "search/fts":
        # Terms are runs of letters and digits: nothing in them needs FTS5 escaping.
        params["s_match"] = " AND ".join(f'"{term}"*' for term in query.terms)
    else:
        params.update({f"s_w{i}": f"% {term}%" for i, term in enumerate(query.terms)})
    return params


def relevance(
    name_key: ColumnElement[Any], exact_keys: Mapping[str, ColumnElement[Any]]
) -> ColumnElement[int]:
    """The tier of ``core.shared.search.relevance`` in SQL. ``exact_keys`` maps the params
    ``s_tax``/``s_email``/``s_phone`` to the table's key columns (those it has)."""
    exact = or_(
        name_key == bindparam("s_name"),
        *(col == bindparam(param) for param, col in exact_keys.items()),
    )
    prefix = name_key.like(bindparam("s_name_prefix"), escape="/")
    return case((exact, literal(EXACT)), (prefix, literal(NAME_PREFIX)), else_=literal(OTHER))
