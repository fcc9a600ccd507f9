"""Safe retries: a request carrying an ``Idempotency-Key`` is answered once and replayed."""
