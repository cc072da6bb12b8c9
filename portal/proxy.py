"""The caller's address behind reverse proxies.

Behind a load balancer every request arrives from the proxy's address, so sign-in lockouts,
rate limits and the audit trail would all see one caller. With `TRUSTED_PROXY_COUNT` = n,
the address is taken from X-Forwarded-For: the n-th entry from the right, the one our own
outermost proxy saw. Entries to its left are whatever the caller sent and are ignored.
"""

from collections.abc import Callable
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def forwarded_address(header: str, proxies: int) -> str | None:
    """Return the address our outermost proxy saw, or None if the header cannot tell."""
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if proxies <= 0 or len(hops) < proxies:
        return None
    candidate = hops[-proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return None


class ForwardedForMiddleware:
    """Put the real caller's address in REMOTE_ADDR for everything that reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies: int = settings.TRUSTED_PROXY_COUNT
        if proxies:
            address = forwarded_address(request.META.get("HTTP_X_FORWARDED_FOR", ""), proxies)
            if address is not None:
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
