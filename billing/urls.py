"""The client portal, served at the site root under the `portal` namespace."""

from django.urls import URLPattern, path

from billing.views import credit_notes, dashboard, invoices, pay, pdf, receipts
from chasing import views as chasing

app_name = "portal"

urlpatterns: list[URLPattern] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path("invoices/<uuid:key>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:key>/pay/", pay.invoice_pay, name="invoice_pay"),
    path("invoices/<uuid:key>/pdf/", pdf.invoice_pdf, name="invoice_pdf"),
    path("invoices/<uuid:key>/paid/", chasing.invoice_paid, name="invoice_paid"),
    path("invoices/<uuid:key>/dispute/", chasing.invoice_dispute, name="invoice_dispute"),
    path("invoices/number/<str:number>/", invoices.invoice_by_number, name="invoice_by_number"),
    path("credit-notes/", credit_notes.credit_note_list, name="credit_note_list"),
    path("credit-notes/<uuid:key>/", credit_notes.credit_note_detail, name="credit_note_detail"),
    path("credit-notes/<uuid:key>/pdf/", pdf.credit_note_pdf, name="credit_note_pdf"),
    path("payments/", receipts.payment_list, name="payment_list"),
    path("payments/<uuid:key>/", receipts.receipt, name="receipt"),
    path("notifications/", chasing.notification_list, name="notification_list"),
    path("notifications/read/", chasing.notifications_read, name="notifications_read"),
    path("notifications/emails/", chasing.email_preferences, name="email_preferences"),
]
