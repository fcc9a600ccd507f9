"""Fixtures of the Bsale dialect tests: a tenant with its token header and seeded catalogs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.model import Account
from core.clients.model import CatalogItem, CatalogKind, DynamicAttribute
from tests.support.callers import caller


@dataclass
class Tenant:
    account: Account
    token: str
    payment_type: CatalogItem
    price_list: CatalogItem
    sale_condition: CatalogItem
    birthday: DynamicAttribute
    age: DynamicAttribute

    @property
    def headers(self) -> dict[str, str]:
        return {"access_token": self.token}


@pytest.fixture
def make_tenant(services: Services, make_account: Any) -> Callable[..., Any]:
    """``await make_tenant("PE")``: an account, its token, one item of each catalog and two
    dynamic attributes (the REST face has no paths to create those: they are seeded)."""

    async def make(country: str = "PE", **kwargs: Any) -> Tenant:
        new = await make_account(country, **kwargs)
        acc = new.account
        svc = services.clients
        return Tenant(
            account=acc,
            token=new.token,
            payment_type=await svc.add_catalog_item(
                caller(acc), CatalogKind.PAYMENT_TYPE, "Efectivo"
            ),
            price_list=await svc.add_catalog_item(
                caller(acc), CatalogKind.PRICE_LIST, "Lista base"
            ),
            sale_condition=await svc.add_catalog_item(
                caller(acc), CatalogKind.SALE_CONDITION, "Contado"
            ),
            birthday=await svc.add_attribute_definition(caller(acc), "Cumpleaños"),
            age=await svc.add_attribute_definition(caller(acc), "Edad"),
        )

    return make
