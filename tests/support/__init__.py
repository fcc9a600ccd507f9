"""Test support: fakes of the ports (declared against their Protocols), data builders, helpers."""
