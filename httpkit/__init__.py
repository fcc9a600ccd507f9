"""What every face needs from HTTP, and nothing of any dialect: credentials from the request,
JSON bodies and answers, request-id logging, content negotiation, rate limiting, and the
Protocol of the services a face is given. Imports only ``core`` and the web libraries."""
