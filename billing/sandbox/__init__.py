"""A Mollie-compatible sandbox for the demo: API, checkout page and webhook calls.

Enabled only by `MOLLIE_SANDBOX` (production refuses to start with it); the real Mollie client
is pointed at it with `api_endpoint`, so the demo runs the production code path.
"""
