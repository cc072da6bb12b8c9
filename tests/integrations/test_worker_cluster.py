"""A real django-q2 cluster delivers the outbox: the change commits, the worker posts the event."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_q.conf import Conf
from standardwebhooks.webhooks import Webhook

from integrations.models import WebhookDelivery, WebhookEndpoint
from tests.factories import ClientFactory, issued_invoice

from .support import http_receiver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cluster(monkeypatch, tmp_path):
    """`manage.py qcluster` on the test database; tasks go through the ORM broker to it."""
    monkeypatch.setattr(Conf, "SYNC", False)
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": url,
        "Q_WORKERS": "1",
        # Tasks are signed with the secret key: the worker must share this process's one (an
        # earlier test may have left another SECRET_KEY in the environment).
        "SECRET_KEY": Conf.SECRET_KEY or django_settings.SECRET_KEY,
    }
    log = (tmp_path / "qcluster.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path / "qcluster.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # qcluster can hang on SIGTERM
            process.kill()
            process.wait()
        log.close()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_committed_event_signed(cluster):
    with http_receiver() as receiver:
        client = ClientFactory()
        endpoint = WebhookEndpoint.objects.create(
            issuer=client.issuer, url=receiver.url, event_types=["invoice.issued"]
        )
        invoice = issued_invoice(client)
        # Generous: on a loaded machine the cluster alone can take a while to start.
        deadline = time.monotonic() + 180
        while not receiver.calls and time.monotonic() < deadline:
            time.sleep(0.2)
        assert receiver.calls, "no delivery within 3 minutes:\n" + cluster.read_text()[-3000:]
        call = receiver.calls[0]
        event = Webhook(endpoint.secret).verify(call.body.decode(), call.headers)
        assert event["data"]["invoice"]["number"] == invoice.number
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if WebhookDelivery.objects.filter(state="delivered").exists():
                break
            time.sleep(0.2)
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.DELIVERED
