"""Pages reached without signing in: payment links and the page after Mollie's checkout."""

from django.urls import URLPattern, path

from billing.views import pay_link, payment_return

app_name = "pay"

urlpatterns: list[URLPattern] = [
    # billing.links.payment_return_url gives Mollie this address as the redirectUrl.
    path("return/<uuid:key>/", payment_return.payment_return, name="return"),
    # billing.links.invoice_payment_url builds this address for emails and the API.
    path("<str:token>/", pay_link.pay_link, name="invoice"),
    path("<str:token>/pdf/", pay_link.pay_link_pdf, name="invoice_pdf"),
]
