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

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from core.shared.search import (
    EXACT,
    EXACT_KEYS,
    NAME_KEYS,
    NAME_PREFIX,
    OTHER,
    SearchQuery,
    tiers_after,
)

T = TypeVar("T")


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


def name_bounds(query: SearchQuery) -> dict[str, str]:
    """What a name starting with the query is compared with: the query (``s_name``), the
    upper bound of such names in binary order (``s_name_high``, SQLite's range) and the
    pattern of PostgreSQL's ``LIKE 'x%'`` (``s_name_prefix``)."""
    return {
        "s_name": query.name,
        "s_name_prefix": like_escape(query.name) + "%",
        "s_name_high": query.name + "\U0010ffff",
    }


def starts_with(name: ColumnElement[Any], sqlite: bool, bounds: Any) -> ColumnElement[bool]:
    """``name`` starts with the query, written for the name's index: a binary range on SQLite,
    ``LIKE 'x%'`` on PostgreSQL (a text_pattern_ops index). ``bounds`` maps ``name_bounds``'
    names to their values or bind parameters."""
    if sqlite:
        return and_(name >= bounds["s_name"], name < bounds["s_name_high"])
    return name.like(bounds["s_name_prefix"], escape="/")


def tier_conditions(
    tier: int,
    names: Sequence[ColumnElement[Any]],
    exact: Sequence[tuple[ColumnElement[Any], Any]],
    name: Any,
    prefix: Callable[[ColumnElement[Any]], ColumnElement[bool]],
) -> list[ColumnElement[bool]]:
    """What puts a match in ``tier`` (``core.shared.search.relevance``): ``names`` are the
    entity's name keys, compared with the folded query ``name`` (equal: tier 0; ``prefix``:
    tier 1), ``exact`` its other exact keys with the query's value of each (present ones
    only). Written so that the planners can estimate it: key equalities for tier 0, the name
    index's range for tier 1, and for tier 2 their negations with IS DISTINCT FROM (never a
    CASE, which PostgreSQL cannot estimate and then ranks every match of a common word)."""
    if tier == EXACT:
        return [or_(*(n == name for n in names), *(key == value for key, value in exact))]
    differ = [n.is_distinct_from(name) for n in names]
    differ += [key.is_distinct_from(value) for key, value in exact]
    starts = [prefix(n) for n in names]
    if tier == NAME_PREFIX:
        return [or_(*starts), *differ]
    others = [or_(n.is_(None), not_(start)) for n, start in zip(names, starts, strict=True)]
    return [*differ, *others]


def entity_tier(
    tier: int, columns: Mapping[str, ColumnElement[Any]], query: SearchQuery, sqlite: bool
) -> list[ColumnElement[bool]]:
    """``tier_conditions`` of a table whose key columns are ``columns``, named by the keys
    of ``EXACT_KEYS`` and ``NAME_KEYS`` they hold, with the query's values bound."""
    names = [columns[key] for key in NAME_KEYS if key in columns]
    exact = [
        (column, value)
        for key, column in columns.items()
        if key in EXACT_KEYS and (value := getattr(query, EXACT_KEYS[key])) is not None
    ]
    bounds = name_bounds(query)
    return tier_conditions(
        tier, names, exact, query.name, lambda name: starts_with(name, sqlite, bounds)
    )


Tier = tuple[int, SearchQuery, bool]
"""A relevance tier asked of a statement: (tier, the parsed search, SQLite?)."""


def id_keyset(
    query: Select[Any],
    conds: list[ColumnElement[bool]],
    key: ColumnElement[int],
    after: tuple[int | None, int, bool],
    tier: Tier | None,
    ranked: Mapping[str, ColumnElement[Any]],
) -> Select[Any]:
    """``query`` where ``conds``, in ``key`` (id) order after (``backward``: before) the id,
    ``limit`` rows (``after``: id or None, limit, backward); ``tier``: only that relevance
    tier's matches (``entity_tier`` over the key columns ``ranked``)."""
    after_id, limit, backward = after
    conds = list(conds)
    order: Any = key
    if after_id is not None:
        conds.append(key < after_id if backward else key > after_id)
    if tier is not None:
        conds += entity_tier(tier[0], ranked, tier[1], tier[2])
        if tier[0] != OTHER:
            # Exact and starting names are few rows found by their keys' indexes: sorted, not
            # found by walking the table in id order (``id + 0`` keeps the planners off it).
            order = key + 0
    return query.where(*conds).order_by(order.desc() if backward else order).limit(limit)


async def ranked_rows(
    conn: AsyncConnection,
    statement: Callable[[Tier | None, int | None, int], Select[Any]],
    search: SearchQuery | None,
    after: tuple[int, int] | None,
    limit: int,
    backward: bool,
) -> list[tuple[int, Any]]:
    """Up to ``limit`` rows after the key ``after`` (tier, id), each with its relevance tier;
    ``statement(tier, after_id, n)`` reads ``n`` rows in id order (``id_keyset``). Without
    a search, one statement and tier 0 for every row; with one, tier by tier
    (``walk_tiers``). ``backward``: the reverse order."""
    if search is None:
        rows = await conn.execute(statement(None, None if after is None else after[1], limit))
        return [(EXACT, row) for row in rows.all()]
    sqlite = conn.dialect.name == "sqlite"

    async def tier_rows(tier: int, bound: int | None, need: int) -> list[Any]:
        return list((await conn.execute(statement((tier, search, sqlite), bound, need))).all())

    return await walk_tiers(tier_rows, after, limit, backward)


async def walk_tiers(
    fetch: Callable[[int, int | None, int], Awaitable[Sequence[T]]],
    after: tuple[int, int] | None,
    limit: int,
    descending: bool,
) -> list[tuple[int, T]]:
    """A page in relevance order: ``fetch(tier, after_id, n)`` reads up to ``n`` matches of
    one tier in id order (after ``after_id`` when not None), tier by tier
    (``core.shared.search.tiers_after``) until ``limit`` rows; each row with its tier. At
    most one statement per tier; a common word's matches are never all ranked."""
    found: list[tuple[int, T]] = []
    for tier, bound in tiers_after(after, descending):
        rows = await fetch(tier, bound, limit - len(found))
        found += [(tier, row) for row in rows]
        if len(found) >= limit:
            break
    return found


def search_params(shape: str, query: SearchQuery) -> dict[str, Any]:
    params: dict[str, Any] = {
        **name_bounds(query),
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
