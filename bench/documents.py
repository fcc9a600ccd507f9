"""The GraphQL documents the bench sends, shared by the scenarios (what wrk posts) and the
GraphQL floor (which recognises each document by its exact text, as a persisted-query server
would, and answers it with hand-written SQL). Plain strings: importing this costs nothing."""

from __future__ import annotations

# Every scalar of a Client, in the order the floor writes them (the order of the selection).
CLIENT_SCALARS = """
      id databaseId firstName lastName email code codeValid phone company note facebook
      twitter hasCredit maxCredit state activity city district municipality address
      companyOrPerson accumulatePoints points pointsUpdated sendDte isForeigner
      prestashopClientId createdAt updatedAt"""

# The nested list of 50: every scalar of a client, its payment type, contacts, addresses and
# attribute values (each child with every scalar, global ids included). Also the deep-cursor
# page (the same document with ``after``).
CLIENTS_LIST = (
    """
query BenchClients($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {"""
    + CLIENT_SCALARS
    + """
      paymentType { id databaseId name state }
      contacts { id databaseId firstName lastName phone email }
      addresses { id databaseId addressName address city district municipality state }
      attributes { definitionId name value }
    } }
  }
}
"""
)

# ``node(id:)`` of one client with its contacts.
CLIENT_NODE = (
    """
query BenchNode($id: ID!) {
  node(id: $id) {
    ... on Client {"""
    + CLIENT_SCALARS
    + """
      contacts { id databaseId firstName lastName phone email }
    }
  }
}
"""
)

# createClient with the same fields as the REST POST; the payload selects every scalar.
CREATE_CLIENT = (
    """
mutation BenchCreate($input: CreateClientInput!) {
  createClient(input: $input) {
    client {"""
    + CLIENT_SCALARS
    + """
    }
    userErrors { field message code }
  }
}
"""
)

# Three levels: a page of business partners with their company, locations (state and country
# come from the static ISO table) and contacts with their contact methods.
PARTNERS_LIST = """
query BenchPartners($first: Int!, $after: String) {
  businessPartners(first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id databaseId idRemote contactName comercialName tin tinValid observation origin
      active createdAt updatedAt
      company { id databaseId idRemote companyName comercialName tin }
      locations {
        id idRemote name address city postalCode shippingAddress billingAddress isDefault
        active createdAt updatedAt
        state { id name }
        country { id iso description }
      }
      contacts {
        id idRemote name position isDefault active
        contactMethods { id idRemote value sendByWhatsapp sendByMail sendByTelegram sendBySms }
      }
    } }
  }
}
"""
