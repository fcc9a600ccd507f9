"""Root mutation fields of webhooks. Each runs through ``attempt``: expected failures (a bad
or refused URL, too many endpoints, another account's id) are ``userErrors``."""

from __future__ import annotations

import strawberry

from core.webhooks.model import Endpoint
from graphql_api.errors import UserError, UserErrorCode, attempt
from graphql_api.relay import local_id
from graphql_api.webhooks import types as t
from graphql_api.webhooks.inputs import CreateWebhookEndpointInput, UpdateWebhookEndpointInput
from graphql_api.webhooks.types import GqlInfo


def _on_id(error: UserError) -> UserError:
    if error.code is UserErrorCode.NOT_FOUND:
        return UserError(field=["id"], message=error.message, code=error.code)
    return error


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Register an endpoint: each later change of the account (of `eventTypes`) "
        "is POSTed to it, signed per Standard Webhooks. The answer's `secret` is shown once."
    )
    async def create_webhook_endpoint(
        self, info: GqlInfo, input: CreateWebhookEndpointInput
    ) -> t.WebhookEndpointPayload:
        caller = await info.context.principal()
        endpoints = info.context.services.webhooks.endpoints
        made, errors = await attempt(lambda: endpoints.create(caller, input.to_core()))
        if made is None:
            return t.WebhookEndpointPayload(webhook_endpoint=None, secret=None, user_errors=errors)
        return t.WebhookEndpointPayload(
            webhook_endpoint=t.WebhookEndpoint.from_entity(made.endpoint),
            secret=made.secret,
            user_errors=[],
        )

    @strawberry.mutation(description="Change an endpoint (or rotate its secret).")
    async def update_webhook_endpoint(
        self, info: GqlInfo, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> t.WebhookEndpointPayload:
        caller = await info.context.principal()
        endpoints = info.context.services.webhooks.endpoints

        async def run() -> tuple[Endpoint, str | None]:
            return await endpoints.update(caller, local_id(id, t.ENDPOINT), input.to_core())

        done, errors = await attempt(run)
        if done is None:
            return t.WebhookEndpointPayload(
                webhook_endpoint=None, secret=None, user_errors=[_on_id(e) for e in errors]
            )
        endpoint, secret = done
        return t.WebhookEndpointPayload(
            webhook_endpoint=t.WebhookEndpoint.from_entity(endpoint), secret=secret, user_errors=[]
        )

    @strawberry.mutation(description="Remove an endpoint with its deliveries and their log.")
    async def delete_webhook_endpoint(
        self, info: GqlInfo, id: strawberry.ID
    ) -> t.DeleteWebhookEndpointPayload:
        caller = await info.context.principal()
        endpoints = info.context.services.webhooks.endpoints

        async def run() -> strawberry.ID:
            await endpoints.delete(caller, local_id(id, t.ENDPOINT))
            return id

        deleted, errors = await attempt(run, root="")
        return t.DeleteWebhookEndpointPayload(
            deleted_id=deleted, user_errors=[_on_id(e) for e in errors]
        )

    @strawberry.mutation(
        description="Queue a delivery again, due now, with a fresh attempt budget (the same "
        "`webhook-id`, so receivers can tell it is the same message)."
    )
    async def redeliver_webhook(
        self, info: GqlInfo, id: strawberry.ID
    ) -> t.RedeliverWebhookPayload:
        caller = await info.context.principal()
        endpoints = info.context.services.webhooks.endpoints
        delivery, errors = await attempt(
            lambda: endpoints.redeliver(caller, local_id(id, t.DELIVERY)), root=""
        )
        return t.RedeliverWebhookPayload(
            webhook_delivery=t.WebhookDelivery.from_entity(delivery) if delivery else None,
            user_errors=[_on_id(e) for e in errors],
        )
