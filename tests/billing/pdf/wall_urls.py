"""The project's URLs plus a PDF download whose lookup forgot the client, to test the walls.

The view is the real download (`document_in_scope`, `pdf_download_response`) with one thing
wrong on purpose: its source ignores the client, so only the database can stop it. It notes
the role its query ran as, so a test can check that it ran as the restricted role.
"""

import uuid

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.models import Client
from accounts.roles import Action
from accounts.scoping import client_scope_exempt, role_required
from billing.models import Invoice
from billing.views.pdf import document_in_scope, pdf_download_response
from portal.urls import urlpatterns as project_urlpatterns

roles_seen: list[str] = []


class EveryClient:
    """A source whose `for_client` forgets the client: the bug the database must catch."""

    def for_client(self, client: Client) -> QuerySet[Invoice]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            roles_seen.append(cursor.fetchone()[0])
        return Invoice.objects.select_related("client", "issuer")


@client_scope_exempt
@require_GET
@role_required(Action.DOWNLOAD)
def leaky_invoice_pdf(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    invoice = document_in_scope(request, EveryClient(), key)
    return pdf_download_response(request, invoice, by=request.user, back_url="/")


urlpatterns = [
    path("leaky-pdf/<uuid:key>/", leaky_invoice_pdf),
    *project_urlpatterns,
]
