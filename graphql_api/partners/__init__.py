"""GraphQL face of the partners (B2B) context: partners as a Relay connection with filters,
companies, catalogs, agents and their clients, the deletion history, queued creation jobs
(queried, or followed by a subscription), and a mutation for every write.

Related rows (company, locations, contacts, contact methods, agent, clients, catalogs) load
through per-request DataLoaders: one query per relation per page, never per partner.
"""

from __future__ import annotations

from graphql_api.partners.mutations import PartnerMutation
from graphql_api.partners.queries import PartnerQuery
from graphql_api.partners.subscriptions import PartnerSubscription
from graphql_api.partners.types import BusinessPartner, Company

QUERIES: tuple[type, ...] = (PartnerQuery,)
MUTATIONS: tuple[type, ...] = (PartnerMutation,)
SUBSCRIPTIONS: tuple[type, ...] = (PartnerSubscription,)
# Types reachable only through the Node interface still belong in the schema.
EXTRA_TYPES: tuple[type, ...] = (BusinessPartner, Company)

__all__ = ["EXTRA_TYPES", "MUTATIONS", "QUERIES", "SUBSCRIPTIONS"]
