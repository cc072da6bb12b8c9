from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Clients and access"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - connects the sign-in audit receivers


class StaffAdminConfig(admin_apps.AdminConfig):
    """The Django admin, served by a site that requires two-factor sign-in."""

    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
