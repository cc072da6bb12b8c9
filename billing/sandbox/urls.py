from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.dashboard, name="sandbox_mollie_dashboard"),
    path("dashboard/<str:payment_id>/", views.dashboard, name="sandbox_mollie_dashboard_payment"),
    path("checkout/<str:payment_id>/", views.checkout, name="sandbox_mollie_checkout"),
    re_path(r"^(?P<path>v2/.*)$", views.api, name="sandbox_mollie_api"),
]
