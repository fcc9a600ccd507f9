"""Kernel shared by every bounded context: errors, tax ids, pagination, clock, secrets."""
