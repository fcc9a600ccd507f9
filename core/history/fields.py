"""Turning a write's values into field changes: JSON scalars, secrets only as "changed"."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import fields as dataclass_fields
from dataclasses import is_dataclass
from decimal import Decimal
from enum import Enum

from core.history.model import FieldChange, JsonValue

SECRET_FIELDS = frozenset(
    {
        "password",
        "secret",
        "secret_hash",
        "token",
        "token_hash",
        "external_ose_password",
        "ose_password",
        "ose_password_encrypted",
        "external_ose_password_enc",
    }
)
"""Field names whose values are never recorded, whatever the entity."""

_SKIPPED = frozenset({"id", "account_id", "created_at", "updated_at"})
"""Bookkeeping columns: not a caller's change."""


def json_value(value: object) -> JsonValue:
    """A value as the history stores it: JSON scalars; decimals, enums and anything else as
    their text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def as_mapping(entity: object) -> dict[str, object]:
    """A dataclass entity's fields by name (a mapping is returned as it is)."""
    if isinstance(entity, Mapping):
        return dict(entity)
    if is_dataclass(entity) and not isinstance(entity, type):
        return {f.name: getattr(entity, f.name) for f in dataclass_fields(entity)}
    raise TypeError(f"not a dataclass or mapping: {type(entity).__name__}")


def _is_secret(name: str, secrets: Collection[str]) -> bool:
    return name in secrets or name in SECRET_FIELDS


def created(values: Mapping[str, object], secrets: Collection[str] = ()) -> tuple[FieldChange, ...]:
    """The fields of a new entity (None values left out)."""
    return tuple(
        FieldChange(name, secret=True)
        if _is_secret(name, secrets)
        else FieldChange(name, None, json_value(value))
        for name, value in sorted(values.items())
        if value is not None and name not in _SKIPPED
    )


def deleted(values: Mapping[str, object], secrets: Collection[str] = ()) -> tuple[FieldChange, ...]:
    """The fields of a removed entity, as old values."""
    return tuple(
        FieldChange(name, secret=True)
        if _is_secret(name, secrets)
        else FieldChange(name, json_value(value), None)
        for name, value in sorted(values.items())
        if value is not None and name not in _SKIPPED
    )


def changed(
    old: Mapping[str, object],
    new: Mapping[str, object],
    names: Iterable[str] | None = None,
    secrets: Collection[str] = (),
) -> tuple[FieldChange, ...]:
    """The fields whose value differs between ``old`` and ``new`` (among ``names``, or every
    key of ``new``). A secret that was written is "changed" whatever its value: secrets are
    stored as hashes or ciphertexts, so a new one always differs."""
    out: list[FieldChange] = []
    for name in sorted(new if names is None else names):
        if name in _SKIPPED or name not in new:
            continue
        if _is_secret(name, secrets):
            out.append(FieldChange(name, secret=True))
            continue
        before, after = json_value(old.get(name)), json_value(new[name])
        if before != after:
            out.append(FieldChange(name, before, after))
    return tuple(out)
