"""The planner's business partners: compiling ``businessPartners`` (its connection, the
partner's scalars, company, agent, locations with their state and country, contacts with their
contact methods) into a ``PartnerProjection`` and generated writers, and running it through
``PartnerReads.projected_keyset``. Anything else under it is ``Unplannable``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from graphql.execution.collect_fields import FieldDetailsList

from core.partners import geo
from core.partners.model import PartnerProjection, ProjectedPartners
from core.shared.search import has_search
from graphql_api.context import Context
from graphql_api.partners.inputs import BusinessPartnerFilter, partner_filter
from graphql_api.partners.queries import CURSOR_KIND
from graphql_api.plan import compile as p
from graphql_api.plan import values as v
from graphql_api.relay import decode_search_cursor, encode_search_cursor

if TYPE_CHECKING:
    from graphql_api.plan.run import Page

_FILTER_FIELDS = {
    "companyId": "company_id",
    "roleKind": "role_kind",
    "roleId": "role_id",
    "statusId": "status_id",
    "active": "active",
    "agentId": "agent_id",
    "updatedSince": "updated_since",
    "search": "search",
}
# Joined objects of a partner: field -> (projection part, its GraphQL type, leaves).
_JOINED = {
    "company": ("company", "Company", v.COMPANY),
    "agent": ("agent", "BusinessPartner", v.BUSINESS_PARTNER),
}


@dataclass
class PartnerColumns:
    """The projection of one ``businessPartners`` field, gathered while it compiles."""

    partner: list[str] = field(default_factory=lambda: ["id"])
    joined: dict[str, list[str]] = field(default_factory=dict)
    slots: dict[str, p.Slot] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    def partner_column(self, name: str) -> int:
        if name not in self.partner:
            self.partner.append(name)
        return self.partner.index(name)

    def joined_column(self, part: str, name: str) -> int:
        names = self.joined.setdefault(part, ["id"])
        self.slots.setdefault(part, p.Slot())
        if name not in names:
            names.append(name)
        return names.index(name)

    def child_column(self, relation: str, name: str) -> int:
        names = self.children.setdefault(relation, [])
        if name not in names:
            names.append(name)
        return 1 + names.index(name)  # a child row starts with its owner's id

    def projection(self) -> PartnerProjection:
        start = len(self.partner)
        joined: dict[str, tuple[str, ...] | None] = {"company": None, "agent": None}
        for part in ("company", "agent"):
            if part in self.joined:
                self.slots[part].start = start
                start += len(self.joined[part])
                joined[part] = tuple(self.joined[part])
        return PartnerProjection(
            columns=tuple(self.partner),
            company=joined["company"],
            agent=joined["agent"],
            children=tuple((r, tuple(c)) for r, c in self.children.items()),
        )


# A geo object's field: (response key, attribute of the geo entity, or None and a constant).
GeoField = tuple[str, str | None, str | None]


def _geo_object(find: Callable[[Any], Any], fields: list[GeoField]) -> v.Convert:
    """The converter of a stored geo code to its object as stock execution writes it (None
    for no code or an unknown one: ``PartnerLocation.state``/``country``)."""

    def write(value: Any) -> Any:
        found = find(value) if value else None
        if found is None:
            return None
        return {key: const if name is None else getattr(found, name) for key, name, const in fields}

    return write


@dataclass
class PartnerCompiler:
    """Compiles one ``businessPartners`` field with the operation's ``Compiler``."""

    compiler: p.Compiler
    columns: PartnerColumns = field(default_factory=PartnerColumns)

    def connection(self, details: FieldDetailsList) -> p.Entries:
        return self.compiler.connection("BusinessPartner", details, self.partner)

    def partner(self, details: FieldDetailsList) -> p.Entries:
        columns = self.columns
        entries: list[p.Entry] = []
        for key, sub in self.compiler.collect("BusinessPartner", details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append((key, p.CONST, "BusinessPartner", None))
            elif name in v.BUSINESS_PARTNER:
                column, convert = v.BUSINESS_PARTNER[name]
                entries.append((key, p.LEAF, columns.partner_column(column), convert))
            elif name in _JOINED:
                part, type_name, leaves = _JOINED[name]
                columns.joined_column(part, "id")
                inner = self.compiler.leaves(
                    sub, type_name, leaves, lambda c, k=part: columns.joined_column(k, c)
                )
                entries.append((key, p.CATALOG, columns.slots[part], inner))
            elif name == "locations":
                entries.append((key, p.CHILDREN, "locations", self._locations(sub)))
            elif name == "contacts":
                entries.append((key, p.CHILDREN, "contacts", self._contacts(sub)))
            else:
                raise v.Unplannable(f"BusinessPartner.{name}")
        return tuple(entries)

    def _child(self, field_name: str, details: FieldDetailsList) -> tuple[str, p.Entries]:
        relation, type_name, leaves = v.PARTNER_CHILDREN[field_name]
        self.columns.child_column(relation, "id")  # first: a child row is (owner, id, ...)
        return relation, self.compiler.leaves(details, type_name, leaves, self._index(relation))

    def _index(self, relation: str) -> Callable[[str], int]:
        return lambda column: self.columns.child_column(relation, column)

    def _locations(self, details: FieldDetailsList) -> p.Entries:
        _, type_name, leaves = v.PARTNER_CHILDREN["locations"]
        self.columns.child_column("locations", "id")
        entries: list[p.Entry] = []
        for key, sub in self.compiler.collect(type_name, details).items():
            name = sub[0].node.name.value
            if name == "state":
                at = self.columns.child_column("locations", "state_id")
                fields = self._geo(sub, "CountryRegion")
                entries.append((key, p.OBJECT, at, _geo_object(geo.region, fields)))
            elif name == "country":
                at = self.columns.child_column("locations", "country_id")
                fields = self._geo(sub, "Country")
                entries.append((key, p.OBJECT, at, _geo_object(geo.country, fields)))
            else:
                index = self._index("locations")
                entries.append(p.leaf(key, sub[0].node.name.value, type_name, leaves, index))
        return tuple(entries)

    def _geo(self, details: FieldDetailsList, type_name: str) -> list[GeoField]:
        known = {"id", "name"} if type_name == "CountryRegion" else {"id", "iso", "description"}
        out: list[GeoField] = []
        for key, sub in self.compiler.collect(type_name, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                out.append((key, None, type_name))
            elif name in known:
                out.append((key, name, None))
            else:
                raise v.Unplannable(f"{type_name}.{name}")
        return out

    def _contacts(self, details: FieldDetailsList) -> p.Entries:
        _, type_name, leaves = v.PARTNER_CHILDREN["contacts"]
        self.columns.child_column("contacts", "id")
        entries: list[p.Entry] = []
        for key, sub in self.compiler.collect(type_name, details).items():
            if sub[0].node.name.value == "contactMethods":
                relation, inner = self._child("contactMethods", sub)
                entries.append((key, p.CHILDREN, relation, inner))
            else:
                index = self._index("contacts")
                entries.append(p.leaf(key, sub[0].node.name.value, type_name, leaves, index))
        return tuple(entries)


def compile_partners(
    compiler: p.Compiler, details: FieldDetailsList
) -> tuple[p.Entries, PartnerProjection]:
    """The entries (writers compiled) and the projection of a ``businessPartners`` field."""
    partners = PartnerCompiler(compiler)
    entries = partners.connection(details)
    projection = partners.columns.projection()  # places the joined objects: writers after
    return p.with_writers(entries), projection


def _filter(args: dict[str, Any]) -> Any:
    value = args.get("filter")
    given: dict[str, Any] = {}
    for name, item in (value or {}).items():
        python_name = _FILTER_FIELDS.get(name)
        if python_name is None:
            if item is not None:
                raise v.Unplannable(f"filter.{name}")
            continue
        given[python_name] = item
    flt = partner_filter(BusinessPartnerFilter(**given) if value is not None else None)
    search = args.get("search")
    if search is not None:
        if flt.search is not None and flt.search != search:
            raise v.Unplannable("search twice")  # stock execution's error
        flt = replace(flt, search=search)
    return flt


async def run_partners(
    context: Context,
    root: p.RootField,
    args: dict[str, Any],
    window: tuple[int, str | None, bool],
    page: Callable[..., Page],
) -> tuple[dict[str, Any], int]:
    """The value of a ``businessPartners`` field (``window``: size, cursor, backward) and the
    objects it holds. A search pages by relevance through the repository's walk of its
    tiers, like stock execution (``graphql_api.partners.queries.partner_connection``)."""
    size, cursor, backward = window
    flt = _filter(args)
    searching = has_search(flt.search)
    tier, after_id = (0, None)
    if cursor is not None:
        field_name = "before" if backward else "after"
        tier, after_id = decode_search_cursor(cursor, CURSOR_KIND, searching, field_name)
    caller = await context.principal()
    reads = context.services.partners.reads
    assert isinstance(root.projection, PartnerProjection)
    found: ProjectedPartners = await reads.projected_keyset(
        caller,
        flt,
        root.projection,
        first=size,
        after_id=after_id,
        backward=backward,
        after_tier=tier,
    )
    tiers = dict(zip((row[0] for row in found.rows), found.tiers, strict=True))

    def write_cursor(row: tuple[Any, ...]) -> str:
        return encode_search_cursor(CURSOR_KIND, row[0], tiers[row[0]] if searching else None)

    written = page(found, write_cursor)
    out: dict[str, Any] = {}
    for key, kind, a, _ in root.entries:
        if kind == p.TOTAL_COUNT:
            out[key] = await reads.count(caller, flt)
        else:
            out[key] = written.value(kind, a)
    return out, written.objects(root.entries)
