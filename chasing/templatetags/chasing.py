from django import template

from billing.models import Invoice
from chasing.models import ReminderPause
from chasing.selectors import invoice_pause

register = template.Library()


@register.simple_tag
def reminder_pause(invoice: Invoice) -> ReminderPause | None:
    """Return the pause in force for an outstanding invoice (one query), else None."""
    if not invoice.is_outstanding:
        return None
    return invoice_pause(invoice, invoice.issuer.today())
