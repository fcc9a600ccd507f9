"""The companies an account's partners belong to."""

from __future__ import annotations

from collections.abc import Sequence

from core.accounts.model import Principal
from core.history import fields as history
from core.history.model import Action, Change, EntityType
from core.history.recorder import record
from core.partners import rules
from core.partners.errors import EntityNotFound
from core.partners.inputs import CompanyInput
from core.partners.model import Company
from core.partners.ports import UowFactory
from core.shared.clock import Clock


class CompanyService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(self, caller: Principal, data: CompanyInput) -> Company:
        values = data.values()
        rules.check_company_values(values, required=True)
        async with self._uow() as uow:
            company = await uow.partners.companies.add(caller.account_id, values, self._clock.now())
            change = Change(EntityType.COMPANY, company.id, Action.CREATE, history.created(values))
            record(uow.history, caller, change, self._clock.now())
            await uow.commit()
        return company

    async def update(self, caller: Principal, company_id: int, data: CompanyInput) -> Company:
        values = data.values()
        rules.check_company_values(values, required=False)
        async with self._uow() as uow:
            current = (await uow.partners.companies.by_ids(caller.account_id, [company_id])).get(
                company_id
            )
            company = await uow.partners.companies.update(
                caller.account_id, company_id, values, self._clock.now()
            )
            if current is None or company is None:
                raise EntityNotFound("Company", company_id)
            fields = history.changed(
                history.as_mapping(current), history.as_mapping(company), values
            )
            change = Change(EntityType.COMPANY, company_id, Action.UPDATE, fields)
            record(uow.history, caller, change, self._clock.now())
            await uow.commit()
        return company

    async def all(self, caller: Principal) -> list[Company]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.companies.all(caller.account_id)

    async def by_ids(self, caller: Principal, ids: Sequence[int]) -> dict[int, Company]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.companies.by_ids(caller.account_id, ids)
