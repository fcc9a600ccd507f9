"""The clients context's service: every use case of the context behind one object, which the
faces reach as ``services.clients``. Each use case lives in its own module:

- ``clients``: create, change, deactivate and read single clients
- ``lists``: offset and keyset pages, counts, children of a page in bulk
- ``reads``: the same pages and lookups as projected rows (GraphQL's planner)
- ``contacts``, ``addresses``: a client's contact people and addresses
- ``attributes``: dynamic attribute definitions and a client's values
- ``catalogs``: payment types, price lists, sale conditions
- ``points``: the loyalty ledger
- ``documents``: sale documents, payments and what clients owe
- ``duplicates``: duplicate candidates of clients, and groups across the account
- ``merges``: merging clients into a survivor, and the merge records

The rules they share are pure functions in ``rules``.
"""

from __future__ import annotations

from core.clients.addresses import Addresses
from core.clients.attributes import Attributes
from core.clients.catalogs import Catalogs
from core.clients.clients import Clients
from core.clients.contacts import Contacts
from core.clients.documents import Documents
from core.clients.duplicates import Duplicates
from core.clients.lists import ClientLists
from core.clients.merges import Merges
from core.clients.points import Points
from core.clients.reads import ClientReads
from core.clients.usecase import UowFactory


class ClientService(
    Clients,
    ClientLists,
    ClientReads,
    Contacts,
    Addresses,
    Attributes,
    Catalogs,
    Points,
    Documents,
    Duplicates,
    Merges,
):
    """Built with a unit-of-work factory and a clock, like each of its use cases."""


__all__ = ["ClientService", "UowFactory"]
