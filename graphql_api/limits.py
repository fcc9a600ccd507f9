"""Depth and alias limits whose work is linear in the document.

Strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` walk a fragment again at every
spread of it, so a 1.6 KB document of 40 fragments each spreading the next twice (2^40
spreads) kept the event loop busy indefinitely. Here each fragment is measured once and
remembered, so the work is one visit per selection of the document, whatever the spreads.

The rule keeps Strawberry's meanings and messages: a field with a selection set adds one
level, leaves and introspection fields (``__typename``, ``__schema``) add none, and an
operation is refused when its height exceeds ``max_depth`` ("'name' exceeds maximum
operation depth of N"); aliases are counted as if every spread were expanded ("N aliases
found. Allowed: M").
"""

from __future__ import annotations

from typing import NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


class Measure(NamedTuple):
    height: int  # levels of fields with a selection set below this point
    aliases: int  # aliased fields, counting a fragment once per spread of it


class DocumentMeter:
    """Measures selection sets, each fragment once (cycles count as nothing: the spec's
    NoFragmentCycles rule reports them). ``visits`` counts the selections looked at."""

    def __init__(self, document: DocumentNode) -> None:
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._known: dict[str, Measure] = {}
        self._measuring: set[str] = set()
        self.visits = 0

    def measure(self, selection_set: SelectionSetNode | None) -> Measure:
        height = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            self.visits += 1
            if isinstance(selection, FieldNode):
                inner = self.measure(selection.selection_set)
                aliases += inner.aliases + (selection.alias is not None)
                if selection.selection_set is not None and not selection.name.value.startswith(
                    "__"
                ):
                    height = max(height, 1 + inner.height)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.measure(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                inner = self._fragment(selection.name.value)
            height = max(height, inner.height)
            aliases += inner.aliases
        return Measure(height, aliases)

    def _fragment(self, name: str) -> Measure:
        known = self._known.get(name)
        if known is not None:
            return known
        fragment = self._fragments.get(name)
        if fragment is None or name in self._measuring:
            return Measure(0, 0)  # unknown fragments and cycles are other rules' errors
        self._measuring.add(name)
        measured = self.measure(fragment.selection_set)
        self._measuring.discard(name)
        self._known[name] = measured
        return measured


def limits_rule(*, max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than ``max_depth`` and documents with
    more than ``max_aliases`` aliases (Strawberry's messages), in linear time."""

    class OperationLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            meter = DocumentMeter(context.document)
            total_aliases = 0
            for operation in context.document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                measured = meter.measure(operation.selection_set)
                total_aliases += measured.aliases
                if measured.height > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            operation,
                        )
                    )
            if total_aliases > max_aliases:
                context.report_error(
                    GraphQLError(f"{total_aliases} aliases found. Allowed: {max_aliases}")
                )

    return OperationLimits
