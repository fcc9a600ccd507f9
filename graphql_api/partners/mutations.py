"""Root mutation fields of the partners context. Every mutation's work runs through
``attempt``: expected failures come back as ``userErrors`` with nothing written; only a
missing or bad credential is a top-level error."""

from __future__ import annotations

import strawberry

from core.partners import rules
from core.partners.inputs import Assignment, PartnerInput
from core.partners.model import DocumentKind, Partner, QueueMessage
from core.shared.errors import FieldError, InvalidInput
from graphql_api.errors import UserError, attempt
from graphql_api.partners import loaders
from graphql_api.partners.inputs import (
    BusinessPartnerInput,
    CompanyInput,
    PartnerCatalogItemInput,
    company_input,
    legacy_field_errors,
    numeric_id,
    partner_input,
    partner_ref,
)
from graphql_api.partners.types import (
    COMPANY_TYPE,
    BusinessPartner,
    Company,
    DeletedBusinessPartner,
    GqlInfo,
    PartnerContactType,
    PartnerDocumentKind,
    PartnerJob,
    PartnerStatus,
    base_url,
)
from graphql_api.relay import local_id


def _partner_items(values: list[BusinessPartnerInput]) -> list[PartnerInput]:
    """The core's inputs of a batch; an item's input error names its position."""
    items = []
    for index, value in enumerate(values):
        try:
            items.append(partner_input(value))
        except InvalidInput as exc:
            raise InvalidInput(
                [FieldError(f"[{index}].{e.field}", e.message, e.code) for e in exc.errors]
            ) from None
    return items


@strawberry.type
class CompanyPayload:
    company: Company | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerStatusPayload:
    status: PartnerStatus | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerContactTypePayload:
    contact_type: PartnerContactType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateBusinessPartnersPayload:
    job: PartnerJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BusinessPartnerPayload:
    business_partner: BusinessPartner | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteBusinessPartnerPayload:
    deleted: DeletedBusinessPartner | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordPartnerDocumentPayload:
    document_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AssignClientsPayload:
    agent: BusinessPartner | None = None
    assigned: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerMutation:
    @strawberry.mutation
    async def create_company(self, info: GqlInfo, input: CompanyInput) -> CompanyPayload:
        caller = await info.context.principal()
        companies = loaders.partners(info).companies
        company, errors = await attempt(lambda: companies.create(caller, company_input(input)))
        return CompanyPayload(
            company=Company.from_entity(company) if company else None, user_errors=errors
        )

    @strawberry.mutation
    async def update_company(
        self, info: GqlInfo, id: strawberry.ID, input: CompanyInput
    ) -> CompanyPayload:
        caller = await info.context.principal()
        companies = loaders.partners(info).companies
        company, errors = await attempt(
            lambda: companies.update(caller, local_id(str(id), COMPANY_TYPE), company_input(input))
        )
        return CompanyPayload(
            company=Company.from_entity(company) if company else None, user_errors=errors
        )

    @strawberry.mutation
    async def create_partner_status(
        self, info: GqlInfo, input: PartnerCatalogItemInput
    ) -> PartnerStatusPayload:
        caller = await info.context.principal()
        catalogs = loaders.partners(info).catalogs
        status, errors = await attempt(
            lambda: catalogs.add_status(caller, input.id_remote or "", input.description or "")
        )
        return PartnerStatusPayload(
            status=PartnerStatus.from_entity(status) if status else None, user_errors=errors
        )

    @strawberry.mutation
    async def update_partner_status(
        self, info: GqlInfo, id: strawberry.ID, input: PartnerCatalogItemInput
    ) -> PartnerStatusPayload:
        caller = await info.context.principal()
        catalogs = loaders.partners(info).catalogs
        status, errors = await attempt(
            lambda: catalogs.update_status(
                caller, numeric_id(id), id_remote=input.id_remote, description=input.description
            )
        )
        return PartnerStatusPayload(
            status=PartnerStatus.from_entity(status) if status else None, user_errors=errors
        )

    @strawberry.mutation
    async def create_contact_type(
        self, info: GqlInfo, input: PartnerCatalogItemInput
    ) -> PartnerContactTypePayload:
        caller = await info.context.principal()
        catalogs = loaders.partners(info).catalogs
        ctype, errors = await attempt(
            lambda: catalogs.add_contact_type(
                caller, input.id_remote or "", input.description or ""
            )
        )
        return PartnerContactTypePayload(
            contact_type=PartnerContactType.from_entity(ctype) if ctype else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def update_contact_type(
        self, info: GqlInfo, id: strawberry.ID, input: PartnerCatalogItemInput
    ) -> PartnerContactTypePayload:
        caller = await info.context.principal()
        catalogs = loaders.partners(info).catalogs
        ctype, errors = await attempt(
            lambda: catalogs.update_contact_type(
                caller, numeric_id(id), id_remote=input.id_remote, value=input.description
            )
        )
        return PartnerContactTypePayload(
            contact_type=PartnerContactType.from_entity(ctype) if ctype else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Queue the creation (upsert on company + idRemote) of "
        "partners; follow the job with partnerJob or the subscription."
    )
    async def create_business_partners(
        self, info: GqlInfo, input: list[BusinessPartnerInput]
    ) -> CreateBusinessPartnersPayload:
        caller = await info.context.principal()
        queue = loaders.partners(info).queue

        async def enqueue() -> QueueMessage:
            return await queue.enqueue_create(caller, _partner_items(input))

        msg, errors = await attempt(lambda: legacy_field_errors(enqueue()))
        return CreateBusinessPartnersPayload(
            job=PartnerJob.from_entity(msg, base_url(info)) if msg else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Change a partner (global id or idRemote); locations "
        "and contacts, when given, replace the current ones."
    )
    async def update_business_partner(
        self, info: GqlInfo, id: str, input: BusinessPartnerInput
    ) -> BusinessPartnerPayload:
        caller = await info.context.principal()
        writes = loaders.partners(info).writes

        async def update() -> Partner:
            # The input is checked before the id is read, as it always was.
            changes = rules.checked_partner(partner_input(input), new=False)
            return (await writes.update(caller, partner_ref(id), changes)).partner

        partner, errors = await attempt(lambda: legacy_field_errors(update()))
        return BusinessPartnerPayload(
            business_partner=BusinessPartner.from_entity(partner) if partner else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Delete a partner no invoice, delivery note or order "
        "references; its last state goes to the deletion history."
    )
    async def delete_business_partner(self, info: GqlInfo, id: str) -> DeleteBusinessPartnerPayload:
        caller = await info.context.principal()
        writes = loaders.partners(info).writes
        deleted, errors = await attempt(lambda: writes.delete(caller, partner_ref(id)))
        return DeleteBusinessPartnerPayload(
            deleted=DeletedBusinessPartner.from_entity(deleted) if deleted else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Record an invoice, delivery note or order referencing a partner "
        "(global id or idRemote); while one exists the partner cannot be deleted."
    )
    async def record_partner_document(
        self, info: GqlInfo, partner_id: str, kind: PartnerDocumentKind, number: str
    ) -> RecordPartnerDocumentPayload:
        caller = await info.context.principal()
        writes = loaders.partners(info).writes

        async def record() -> int:
            # The number is checked before the partner's id is read, as it always was.
            rules.check_document_number(number)
            ref = partner_ref(partner_id, "partnerId")
            return await writes.record_document(caller, ref, DocumentKind(kind.value), number)

        doc_id, errors = await attempt(record)
        return RecordPartnerDocumentPayload(
            document_id=strawberry.ID(str(doc_id)) if doc_id is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Assign clients (by idRemote, same company) to an agent.")
    async def assign_clients_to_agent(
        self, info: GqlInfo, agent_id: str, client_id_remotes: list[str]
    ) -> AssignClientsPayload:
        caller = await info.context.principal()
        service = loaders.partners(info)

        async def assign() -> tuple[int, Partner]:
            ref = partner_ref(agent_id, "agentId")
            count = await service.writes.assign_clients(
                caller, [Assignment(ref, list(client_id_remotes))]
            )
            return count, await service.reads.get(caller, ref)

        done, errors = await attempt(lambda: legacy_field_errors(assign()))
        if done is None:
            return AssignClientsPayload(user_errors=errors)
        count, agent = done
        return AssignClientsPayload(agent=BusinessPartner.from_entity(agent), assigned=count)
