"""The Mollie webhook endpoint: store the call, answer at once, let the worker do the rest."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.middleware import client_ip

from .inbox import webhook_receive


@csrf_exempt
@login_not_required
@require_POST
def mollie_webhook(request: HttpRequest) -> HttpResponse:
    """Mollie posts only `id=tr_…`; unknown or malformed ids are stored and answered 200 too."""
    body = request.body  # read first: the raw call is what gets stored
    try:
        posted_id = request.POST.get("id", "")
    except (ValueError, MultiPartParserError):
        posted_id = ""
    webhook_receive(
        body=body,
        posted_id=posted_id,
        content_type=request.content_type or "",
        remote_addr=client_ip(request),
    )
    return HttpResponse("OK", content_type="text/plain")
