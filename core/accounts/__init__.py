"""Accounts (tenants), their API tokens, and resolving credentials to a principal."""
