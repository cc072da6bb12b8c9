"""Rate limits of the pages anyone can reach without a password (django-ratelimit).

Counted per IP address and, for a payment link, per link as well: a link passed around (or
hammered from many addresses) is slowed down too. The counts live in the `ratelimit` cache
(see settings), which every web process shares.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def _per_ip(group: str, request: HttpRequest) -> str:
    return str(settings.PAY_RATE_PER_IP)


def _per_link(group: str, request: HttpRequest) -> str:
    return str(settings.PAY_RATE_PER_LINK)


def too_many_from_ip(request: HttpRequest, *, group: str) -> HttpResponse | None:
    """Count this request for its IP address; return the 429 page once it asked too often."""
    return _limited(request, f"{group}:ip", "ip", _per_ip)


def too_many_for_link(request: HttpRequest, *, group: str, token: str) -> HttpResponse | None:
    """Count this request for the payment link; return the 429 page once it is used too often."""
    return _limited(request, f"{group}:link", lambda _group, _request: token, _per_link)


def _limited(
    request: HttpRequest,
    group: str,
    key: str | Callable[[str, HttpRequest], str],
    rate: Callable[[str, HttpRequest], str],
) -> HttpResponse | None:
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except Exception:  # the shared cache is down: let payers through rather than fail them
        logger.exception("Rate limit %s could not be counted", group)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    wait = max(int(usage["time_left"]), 1)
    logger.info("Rate limit %s reached by %s", group, request.META.get("REMOTE_ADDR"))
    response = render(request, "pay/rate_limited.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response
