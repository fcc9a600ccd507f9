"""The seed's answer to a batch: credentials only for created clients, shown this once."""

from __future__ import annotations

from typing import Any

from core.resellers.model import BatchResult


def batch_answer(result: BatchResult) -> dict[str, Any]:
    return {
        "created_clients": [
            {
                "ruc": c.ruc,
                "company_name": c.company_name,
                "access_api": {
                    "username": c.access_api.username,
                    "password": c.access_api.password,
                },
                "access_web": {
                    "username": c.access_web.username,
                    "password": c.access_web.password,
                },
            }
            for c in result.created
        ],
        "updated_clients": [{"ruc": u.ruc, "company_name": u.company_name} for u in result.updated],
    }
