"""Overdue detection: record, once per invoice, that it passed its due date."""

import datetime
import logging
import zoneinfo

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from billing import signals
from billing.models import Invoice, Issuer
from billing.money import format_money
from chasing.models import Notification, OverdueRecord
from chasing.sql import insert_from

from .notifications import notifications_create

logger = logging.getLogger(__name__)

# At most this many invoices per issuer and run; the next run takes the rest.
BATCH = 2000


def overdue_record_new(*, now: datetime.datetime) -> int:
    """Record invoices that passed their due date, send `invoice_overdue` once for each.

    The insert and the signal share one transaction per issuer, so a receiver's rows (an
    outbound webhook, a notification) exist exactly when the record does.
    """
    found = 0
    for issuer in Issuer.objects.all():
        today = now.astimezone(zoneinfo.ZoneInfo(issuer.timezone)).date()
        candidates = (
            Invoice.objects.filter(issuer=issuer)
            .overdue(on=today)
            .exclude(Exists(OverdueRecord.objects.filter(invoice=OuterRef("pk"))))
            .order_by("due_date", "id")
        )[:BATCH]
        with transaction.atomic():
            ids = insert_from(
                table="chasing_overduerecord",
                columns=["invoice_id", "client_id", "detected_on", "created_at"],
                source=candidates.values(src_id=F("pk"), src_client=F("client_id")),
                source_columns=["src_id", "src_client"],
                constants=[today, now],
                conflict=["invoice_id"],
                returning="invoice_id",
            )
            invoices = Invoice.objects.filter(pk__in=ids).select_related("client", "issuer")
            for invoice in invoices:
                _announce(invoice, today)
        found += len(ids)
    if found:
        logger.info("%d invoices became overdue.", found)
    return found


def _announce(invoice: Invoice, today: datetime.date) -> None:
    audit_record(
        action="invoice.overdue",
        by="worker",
        client=invoice.client,
        target=invoice,
        data={"due_date": str(invoice.due_date), "balance": str(invoice.balance)},
    )
    signals.invoice_overdue.send(Invoice, invoice=invoice, today=today)
    with translation.override(invoice.client.language):
        notifications_create(
            client=invoice.client,
            kind=Notification.Kind.OVERDUE,
            invoice=invoice,
            title=_("Invoice %(number)s is overdue") % {"number": invoice.number},
            body=_("%(amount)s was due on %(date)s.")
            % {
                "amount": format_money(invoice.balance, invoice.currency),
                "date": formats.date_format(invoice.due_date or today, "DATE_FORMAT"),
            },
        )
