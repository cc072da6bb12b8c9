"""Back-office: API keys shown once and stored hashed; sources, endpoints and the inbox."""

import re

import pytest

from integrations.models import ApiKey, InboundSource, WebhookEndpoint
from integrations.models.api_key import key_hash

from .support import Api

pytestmark = pytest.mark.django_db


def test_a_new_api_key_is_shown_once_stored_hashed_and_works(admin_client, issuer):
    response = admin_client.post(
        "/admin/integrations/apikey/add/",
        {"issuer": issuer.pk, "name": "Exact Online", "source": "exact"},
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"ik_[0-9a-f]{8}_[A-Za-z0-9_-]+", response.content.decode())
    assert shown, "the key is shown after saving"
    raw = shown.group(0)
    key = ApiKey.objects.get()
    assert key.hashed == key_hash(raw)
    assert raw not in {key.hashed, key.prefix}
    assert Api(raw).get("invoices/").status_code == 200
    page = admin_client.get(f"/admin/integrations/apikey/{key.pk}/change/").content.decode()
    assert raw not in page


def test_staff_revoke_a_key(admin_client, issuer):
    admin_client.post(
        "/admin/integrations/apikey/add/",
        {"issuer": issuer.pk, "name": "ERP", "source": "erp"},
    )
    key = ApiKey.objects.get()
    admin_client.post(
        "/admin/integrations/apikey/",
        {"action": "revoke_selected", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert not key.is_active


def test_staff_configure_an_endpoint_with_event_types_and_see_its_secret(admin_client, issuer):
    response = admin_client.post(
        "/admin/integrations/webhookendpoint/add/",
        {
            "issuer": issuer.pk,
            "url": "https://erp.example/hooks",
            "description": "ERP",
            "event_types": ["invoice.paid", "payment.refunded"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["invoice.paid", "payment.refunded"]
    assert endpoint.secret.startswith("whsec_")
    page = admin_client.get(f"/admin/integrations/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret in page.content.decode()


def test_an_inbound_source_shows_the_address_to_post_to(admin_client, issuer):
    source = InboundSource.objects.create(issuer=issuer, slug="erp")
    page = admin_client.get(f"/admin/integrations/inboundsource/{source.pk}/change/")
    assert "/api/v1/inbound/erp/" in page.content.decode()
    for name in ("inboxmessage", "deadletter", "webhookdelivery", "outboxevent"):
        assert admin_client.get(f"/admin/integrations/{name}/").status_code == 200
