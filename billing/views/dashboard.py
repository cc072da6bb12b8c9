from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.scoping import client_of, client_required
from billing.selectors import latest_invoices, next_due_invoice, outstanding_figures


@client_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show what the organisation owes, what is overdue, what falls due next and the latest."""
    client = client_of(request)
    today = client.issuer.today()
    return render(
        request,
        "portal/dashboard.html",
        {
            "today": today,
            "figures": outstanding_figures(client, today=today),
            "next_due": next_due_invoice(client, today=today),
            "latest": latest_invoices(client),
        },
    )
