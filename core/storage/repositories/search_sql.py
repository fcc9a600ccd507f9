"""SQL of a search (``core/shared/search.py``), shared by every searchable table.

- SQLite: the table's FTS5 index (``<table>_fts``, external content over ``search_text``,
  ``unicode61 remove_diacritics 2``), one MATCH of prefix queries ``"word"* AND ...``.
- PostgreSQL: words of letters as ``search_text LIKE '% word%'`` (the trigram GIN index on
  ``search_text``), words of digits as ``to_tsvector('simple', search_text) @@
  to_tsquery('simple', '123:*')`` (a full-text GIN index on that expression): digit trigrams
  (``000``, ``123``) are in nearly every client's phone and tax id, so a trigram index reads
  the whole table for a tax id, while a full-text index reads that one token's rows.
- Tables without a search index (partners, onboarded accounts) and the few rows found by a
  key index: ``search_text LIKE '% word%'`` per word (the document starts with a space, so
  this is a word prefix; a trigram GIN index serves it on PostgreSQL).

Both read the document written in Python, so the two databases answer alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)

from core.shared.search import SearchQuery


def like_escape(value: str) -> str:
    """``value`` with ``/`` escaping the LIKE wildcards (use ``escape="/"``)."""
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def search_shape(dialect: str, query: SearchQuery) -> str:
    """The shape element of a search: statements differ by backend and, on PostgreSQL, by
    the number of words."""
    # PostgreSQL: letter words come first (parse_search's order); how many use trigrams.
    letters = sum(not term.isdigit() for term in query.terms)
    kind = "fts" if dialect == "sqlite" else f"pg{letters}"
    return f"search/{kind}/{len(query.terms)}/{len(query.checks)}"


def walks_ids(shape: tuple[str, ...]) -> bool:
    """Whether PostgreSQL reads a search's last tier by walking clients in id order first:
    a search of one word of letters — the search whose matches can be a common name's tens of
    thousands, which the trigram index hands over unordered. Several words, digits or checked
    words narrow a search to few matches, which the index finds and sorts faster than a
    walk (a walk evaluates the search on every row it passes)."""
    return "search/pg1/1/0" in shape


def like_variant(shape: str) -> str:
    """The LIKE form of a search shape: checks a few rows found otherwise (by a key index)
    without making the database walk every match of the FTS index."""
    return "search/like/" + shape.split("/", 2)[2]


def _counts(shape: str) -> tuple[int, int]:
    terms, checks = shape.rsplit("/", 2)[1:]
    return int(terms), int(checks)


def search_condition(
    shape: str, fts_table: str, id_col: ColumnElement[Any], document: ColumnElement[Any]
) -> ColumnElement[bool]:
    terms, checks = _counts(shape)
    # Checked words never reach an index: on PostgreSQL ``|| ''`` keeps the trigram index
    # from reading their (huge) posting lists; they filter the rows the terms found.
    checked = [(document + "").like(bindparam(f"s_c{j}")) for j in range(checks)]
    if shape.startswith("search/fts/"):
        fts = table(fts_table, column("rowid"))
        match = literal_column(fts_table).op("MATCH")(bindparam("s_match"))
        return and_(id_col.in_(select(fts.c.rowid).where(match)), *checked)
    if shape.startswith("search/pg"):
        letters = int(shape.split("/")[1][2:])
        conds = [document.like(bindparam(f"s_w{i}")) for i in range(letters)]
        if letters < terms:
            simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
            vector = func.to_tsvector(simple, document)  # the GIN index's expression
            conds.append(vector.op("@@")(func.to_tsquery(simple, bindparam("s_tsquery"))))
        return and_(*conds, *checked)
    return and_(*(document.like(bindparam(f"s_w{i}")) for i in range(terms)), *checked)


def search_params(shape: str, query: SearchQuery) -> dict[str, Any]:
    params: dict[str, Any] = {
        "s_name": query.name,
        "s_name_prefix": like_escape(query.name) + "%",
        # Upper bound of the names starting with s_name, in binary order (SQLite's range).
        "s_name_high": query.name + "\U0010ffff",
        "s_tax": query.tax_id,
        "s_email": query.email,
        "s_phone": query.phone,
    }
    params.update({f"s_w{i}": f"% {term}%" for i, term in enumerate(query.terms)})
    params.update({f"s_c{j}": f"% {term}%" for j, term in enumerate(query.checks)})
    if shape.startswith("search/fts/"):
        # Terms are runs of letters and digits: nothing in them needs FTS5 escaping.
        params["s_match"] = " AND ".join(f'"{term}"*' for term in query.terms)
    elif shape.startswith("search/pg"):
        digits = [term for term in query.terms if term.isdigit()]
        params["s_tsquery"] = " & ".join(f"{term}:*" for term in digits)
    return params
