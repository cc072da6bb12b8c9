from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from billing.payments.views import mollie_webhook

admin.site.site_header = _("Invoice portal back-office")
admin.site.site_title = _("Back-office")

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("webhooks/mollie/", mollie_webhook, name="mollie_webhook"),
    # Answers 404 unless MOLLIE_SANDBOX is on (the demo); production refuses that setting.
    path("sandbox/mollie/", include("billing.sandbox.urls")),
    path("pay/", include("billing.pay_urls")),
    path("api/v1/", include("integrations.urls")),
    path("", include("accounts.urls")),
    path("", include("billing.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
