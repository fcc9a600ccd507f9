"""Resellers: companies onboarded in batches by a reseller account, their generated
credentials and their e-invoicing settings (Peru: RUC, SUNAT/OSE)."""
