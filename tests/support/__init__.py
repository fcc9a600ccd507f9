"""Test support: fakes of the ports (declared against the Protocols), builders, helpers."""
