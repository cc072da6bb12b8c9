"""Demo data for the API: one key with a known value, so the local API can be tried at once."""

from billing.models import Issuer
from integrations.models import ApiKey
from integrations.models.api_key import key_hash

# Printed by seed_demo; only ever created by the demo (never use a known key in production).
DEMO_API_KEY = "ik_demoerp1_try-the-api-on-the-demo-portal"


def integrations_demo_seed(*, issuer: Issuer) -> list[str]:
    """Create the demo ERP's key if it is missing; return what was created."""
    if ApiKey.objects.filter(prefix="demoerp1").exists():
        return []
    ApiKey.objects.create(
        issuer=issuer,
        name="Demo ERP",
        source="demo-erp",
        prefix="demoerp1",
        hashed=key_hash(DEMO_API_KEY),
    )
    return ["API key Demo ERP"]
