from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChasingConfig(AppConfig):
    name = "chasing"
    verbose_name = _("Reminders and recurring invoices")

    def ready(self) -> None:
        from chasing import receivers  # noqa: F401  (connects the billing signals)
