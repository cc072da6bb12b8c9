"""What happened in billing, for the parts that react to it (notifications, outbound webhooks).

Every signal is sent inside the transaction that made the change, so a receiver that writes
rows (an outbox entry, a notification) commits or rolls back with it. Receivers must not call
out to the network; they record what is to be done and let the worker do it.
"""

from django.dispatch import Signal

# invoice, previous (status), status, by: an invoice moved in its lifecycle (issue, payment, void…).
invoice_moved = Signal()

# invoice, today: an issued invoice passed its due date; sent once per invoice.
invoice_overdue = Signal()

# credit_note, by: a credit note was issued.
credit_note_issued = Signal()

# payment, by: a new ledger row (received, refunded, charged back) was booked.
payment_booked = Signal()

# attempt, by: an online payment attempt failed, expired or was canceled at Mollie.
payment_attempt_failed = Signal()
