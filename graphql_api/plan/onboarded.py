"""The planner's onboarded accounts: ``onboardedAccounts`` (its connection and the account's
scalars) compiled into an ``OnboardedProjection`` and generated writers, and run through
``ResellerService.projected_page`` (the same checks as the stock page; rows through the
repository's own filter and keyset builder). ``search`` (ordered by the repository's search
rules) and ``history`` go to stock execution, as does anything else under it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql.execution.collect_fields import FieldDetailsList

from core.resellers.model import OnboardedProjection, ProjectedOnboarded
from graphql_api.context import Context
from graphql_api.plan import compile as p
from graphql_api.plan import values as v
from graphql_api.relay import decode_id_cursor, encode_cursor
from graphql_api.resellers.inputs import OnboardedAccountFilter
from graphql_api.resellers.queries import CURSOR_KIND

if TYPE_CHECKING:
    from graphql_api.plan.run import Page

_TYPE = "OnboardedAccount"
_FILTER_FIELDS = {
    "ruc": "ruc",
    "validatorEntity": "validator_entity",
    "createdSince": "created_since",
    "updatedSince": "updated_since",
}


@dataclass
class OnboardedCompiler:
    """Compiles one ``onboardedAccounts`` field with the operation's ``Compiler``."""

    compiler: p.Compiler
    columns: list[str] = field(default_factory=lambda: ["account_id"])

    def column(self, name: str) -> int:
        if name not in self.columns:
            self.columns.append(name)
        return self.columns.index(name)

    def connection(self, details: FieldDetailsList) -> p.Entries:
        # The stock page converts every account it reads, whatever is selected: the plan
        # checks each row's guarded columns too (before anything is written).
        guards = tuple(("", p.GUARD, self.column(c), f) for c, f in v.GUARDS[_TYPE])
        return guards + self.compiler.connection(_TYPE, details, self._account)

    def _account(self, details: FieldDetailsList) -> p.Entries:
        return self.compiler.leaves(details, _TYPE, v.ONBOARDED_ACCOUNT, self.column)


def compile_onboarded(
    compiler: p.Compiler, details: FieldDetailsList
) -> tuple[p.Entries, OnboardedProjection]:
    """The entries (writers compiled) and the projection of an ``onboardedAccounts`` field."""
    onboarded = OnboardedCompiler(compiler)
    entries = onboarded.connection(details)
    return p.with_writers(entries), OnboardedProjection(tuple(onboarded.columns))


def onboarded_cursor(row: tuple[Any, ...]) -> str:
    return encode_cursor([CURSOR_KIND, row[0]])


async def run_onboarded(
    context: Context,
    root: p.RootField,
    args: dict[str, Any],
    window: tuple[int, str | None, bool],
    page: Callable[..., Page],
) -> tuple[dict[str, Any], int]:
    """The value of an ``onboardedAccounts`` field (``window``: size, cursor, backward) and
    the objects it holds."""
    size, cursor, backward = window
    after_id = None
    if cursor is not None:
        after_id = decode_id_cursor(cursor, CURSOR_KIND, "before" if backward else "after")
    flt = OnboardedAccountFilter(**v.given_fields(args["filter"], _FILTER_FIELDS)).to_core()
    caller = await context.principal()
    assert isinstance(root.projection, OnboardedProjection)
    found: ProjectedOnboarded = await context.services.resellers.projected_page(
        caller,
        flt,
        root.projection,
        first=size,
        after_id=after_id,
        backward=backward,
        total=any(kind == p.TOTAL_COUNT for _, kind, _, _ in root.entries),
    )
    written = page(found, onboarded_cursor, {})
    out: dict[str, Any] = {}
    for key, kind, a, b in root.entries:
        if kind == p.GUARD:
            for row in found.rows:
                b(row[a])
        else:
            out[key] = found.total if kind == p.TOTAL_COUNT else written.value(kind, a)
    return out, written.objects(root.entries)
