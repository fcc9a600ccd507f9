"""Every repository method is tenant-scoped: each public method of each ``Sql*`` class under
``core.storage.repositories`` takes ``account_id`` as its first parameter (after ``self``).

The cross-tenant side of the partner queue (``SqlPartnerQueue``, the ``PartnerQueue`` port) is
the one adapter exempt by design. ``KNOWN`` lists the other contexts' methods that do not
follow the rule yet, each with its reason; an entry that no longer applies fails the test, so
the list only shrinks. (The rule is about the signature; that each method also filters on the
id is what the per-context storage and tenant-isolation tests check.)
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from collections.abc import Iterable

import core.storage.repositories

CROSS_TENANT_PORTS = {
    "SqlPartnerQueue": "the partner creation queue's worker side: claims any tenant's message",
    "SqlAccountDirectory": "the operator's list of accounts (clientgate accounts list)",
    "SqlHistoryRetention": "the operator's prune of old change events (clientgate audit prune)",
    "SqlWebhookQueue": "the webhook workers' side: fan out and claim any tenant's deliveries",
}
_REGISTRY = "the accounts registry: looks up who is calling, before any tenant is known"
_RESELLER = "scoped by reseller_account_id (the calling reseller), not account_id"
KNOWN: dict[tuple[str, str], str] = {
    **{
        (cls, method): _REGISTRY
        for cls in ("SqlAccountRepository", "SqlUserMixin")
        for method in (
            "add_users",
            "user_by_username",
            "session_principal",
            "revoke_session",
            "revoke_user_sessions",
        )
    },
    ("SqlAccountRepository", "add"): _REGISTRY,
    ("SqlAccountRepository", "account_for_token"): _REGISTRY,
    ("SqlTokenMixin", "account_for_token"): _REGISTRY,
    **{
        ("SqlResellerRepository", method): _RESELLER
        for method in (
            "add_accounts",
            "add_settings",
            "count",
            "get",
            "own_by_ruc",
            "page",
            "replace_settings",
            "rucs_held_elsewhere",
            "update",
        )
    },
    ("SqlOnboardedReadModel", "page"): _RESELLER,
}


def repository_classes(package: types.ModuleType) -> list[type]:
    """The ``Sql*`` classes defined in ``package`` and its modules."""
    found: list[type] = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and name.startswith("Sql"):
                found.append(cls)
    return found


def violations(classes: Iterable[type]) -> set[tuple[str, str]]:
    """(class, method) of each public method whose first parameter is not ``account_id``."""
    out = set()
    for cls in classes:
        if cls.__name__ in CROSS_TENANT_PORTS:
            continue
        for name, method in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            params = list(inspect.signature(method).parameters)[1:]
            if not params or params[0] != "account_id":
                out.add((cls.__name__, name))
    return out


def test_every_repository_method_takes_the_account_id_first() -> None:
    classes = repository_classes(core.storage.repositories)
    names = {cls.__name__ for cls in classes}
    # The scan sees the partners package's adapters (and the queue it exempts).
    assert {
        "SqlPartnerRepository",
        "SqlPartnerQueue",
        "SqlPartnerReadModel",
        "SqlClientRepository",
    } <= names
    found = violations(classes)
    assert found - KNOWN.keys() == set(), "new repository methods without account_id first"
    assert KNOWN.keys() - found == set(), "KNOWN lists methods that now follow the rule"


def test_the_check_sees_a_planted_violation() -> None:
    class SqlPlantedRepository:
        async def scoped(self, account_id: int, item_id: int) -> None: ...

        async def leaky(self, item_id: int, account_id: int) -> None: ...

        async def bare(self) -> None: ...

        async def _private(self, item_id: int) -> None: ...

    class SqlPartnerQueue:  # exempt by name: the cross-tenant port
        async def claim(self, now: int) -> None: ...

    assert violations([SqlPlantedRepository, SqlPartnerQueue]) == {
        ("SqlPlantedRepository", "leaky"),
        ("SqlPlantedRepository", "bare"),
    }
