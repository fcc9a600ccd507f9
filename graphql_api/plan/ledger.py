"""Running a Client's fields that take arguments (``pointsHistory(first)``,
``unpaidSummary(comparisonDate)``): their arguments read per request as stock execution reads
them, the limit of the ``points`` read, and each field's rows put in its own slot of the
children the generated writers read (``compile.Nested``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphql.execution.values import VariableValues, get_argument_values

from core.clients import rules
from core.clients.model import ProjectedRows
from core.clients.service import ClientService
from core.shared.pagination import check_first
from graphql_api.clients.loaders import comparison_seconds
from graphql_api.plan import compile as p

Row = tuple[Any, ...]
Children = dict[str, dict[int, list[Row]]]
_POINTS, _UNPAID = "pointsHistory", "unpaidSummary"


@dataclass(frozen=True)
class Argued:
    """One nested field with its arguments' values for this request."""

    nested: p.Nested
    args: dict[str, Any]


def arguments(root: p.RootField, variables: VariableValues) -> list[Argued]:
    """The nested fields' arguments; a ``first`` stock execution refuses raises."""
    found = []
    for nested in root.nested:
        args = get_argument_values(nested.definition, nested.node, variables)
        if nested.name == _POINTS:
            check_first(args["first"], maximum=rules.MAX_HISTORY)
        found.append(Argued(nested, args))
    return found


def limits(argued: Sequence[Argued]) -> dict[str, int] | None:
    """How many ``points`` rows a client needs: the most any ``pointsHistory`` asks for."""
    firsts = [a.args["first"] for a in argued if a.nested.name == _POINTS]
    return {"points": max(firsts)} if firsts else None


def fill(
    children: Children, argued: Sequence[Argued], found: ProjectedRows, clients: ClientService
) -> Children:
    """``children`` with each nested field's slot: a ``pointsHistory``'s own first rows,
    an ``unpaidSummary``'s summary rows and its overdue and upcoming documents."""
    ids = [row[0] for row in found.rows]
    for a in argued:
        slot = a.nested.slot
        if a.nested.name == _POINTS:
            first = a.args["first"]
            points = children.get("points", {})
            children[slot] = {cid: rows[:first] for cid, rows in points.items()}
            continue
        when = comparison_seconds(a.args["comparisonDate"])
        unpaid = found.children.get("unpaid", [])
        summaries = clients.projected_summaries(ids, unpaid, when)
        children[slot] = {cid: [s.row] for cid, s in summaries.items()}
        children[f"{slot}/overdue"] = {cid: s.overdue for cid, s in summaries.items()}
        children[f"{slot}/upcoming"] = {cid: s.upcoming for cid, s in summaries.items()}
    return children
