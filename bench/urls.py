from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from portal.urls import urlpatterns as portal_urlpatterns


def empty(request: HttpRequest) -> HttpResponse:
    """Answer nothing: what a request costs on this stack before any page work."""
    return HttpResponse(b"", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/empty/", empty, name="bench-empty"),
    *portal_urlpatterns,
]
