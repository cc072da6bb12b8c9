"""Text messages: a small backend interface, like Django's email backends.

`SMS_BACKEND` names the class; the console backend prints each message (demo and development).
A provider (MessageBird, Twilio, …) plugs in as a subclass of `BaseSmsBackend`.
"""

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        """Send one text message to an international number (+31612345678)."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Print each message to standard output."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")
        sys.stdout.flush()


class LocmemSmsBackend(BaseSmsBackend):
    """Keep messages in `outbox` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append((to, text))


def sms_send(*, to: str, text: str) -> None:
    """Send a text message through the configured backend."""
    backend = import_string(settings.SMS_BACKEND)()
    backend.send(to=to, text=text[:480])
    logger.info("SMS sent to %s", to[:-4] + "****")
