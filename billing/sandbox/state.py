"""The sandbox's one Mollie, shared by the web process's threads and kept in a file under var/."""

import logging
import threading
import time
from pathlib import Path

import requests
from django.conf import settings

from billing.payments.mollie import SANDBOX_PATH
from billing.payments.simulator import MollieSimulator

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_instance: MollieSimulator | None = None


def deliver_webhook(url: str, payment_id: str) -> threading.Thread | None:
    """Call our webhook as Mollie would, from a thread so the checkout page never waits."""
    if not url.startswith(settings.SITE_URL + "/"):
        logger.warning("Sandbox: not calling %s, which is not this portal.", url)
        return None

    def run() -> None:
        for wait in (0.2, 2, 10):
            time.sleep(wait)
            try:
                response = requests.post(url, data={"id": payment_id}, timeout=15)
            except requests.RequestException as exc:
                logger.warning("Sandbox webhook for %s failed: %s", payment_id, exc)
                continue
            if response.status_code == 200:
                return
            logger.warning("Sandbox webhook for %s answered %s", payment_id, response.status_code)

    thread = threading.Thread(target=run, name=f"sandbox-webhook-{payment_id}", daemon=True)
    thread.start()
    return thread


def sandbox_mollie() -> MollieSimulator:
    """Return the sandbox's Mollie, created on first use."""
    global _instance
    with _lock:
        if _instance is None:
            base = settings.SITE_URL + SANDBOX_PATH
            _instance = MollieSimulator(
                api_url=base,
                checkout_url=base,
                on_webhook=deliver_webhook,
                store=Path(settings.BASE_DIR) / "var" / "mollie-sandbox.json",
            )
        return _instance


def sandbox_reset(instance: MollieSimulator | None = None) -> None:
    """Replace the sandbox's Mollie (tests start from an empty one)."""
    global _instance
    with _lock:
        _instance = instance
