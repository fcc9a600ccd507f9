"""Bsale-style customers: clients, contacts, addresses, attributes, points and documents."""
