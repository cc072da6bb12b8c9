import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import issued_invoice, line

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "postgres://portal@db.example.com:5432/portal",
}


def _run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DEBUG"}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run(["-c", "import django; django.setup()"], **env)
    assert result.returncode != 0
    assert f"Set {missing} in the environment" in result.stderr


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get(reverse("admin:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site(client):
    from tests.factories import PASSWORD, UserFactory

    staff = UserFactory(is_staff=True)
    client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 12 * 60 * 60


def test_a_page_that_uses_the_nonce_gets_it_in_the_policy():
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(
        lambda req: HttpResponse(f'<style nonce="{req.csp_nonce}">:root{{--brand:#0b6e4f}}</style>')
    )
    response = middleware(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I)
INLINE_STYLE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>|<[a-z]+\s[^>]*\bstyle=", re.I)


@pytest.mark.django_db
def test_back_office_pages_have_no_inline_scripts_or_styles(admin_client, client_org):
    invoice = issued_invoice(client_org, lines=[line()])
    pages = [
        reverse("admin:index"),
        reverse("admin:billing_invoice_changelist"),
        reverse("admin:billing_invoice_changelist") + "?status__exact=open",
        reverse("admin:billing_invoice_change", args=[invoice.pk]),
        reverse("admin:billing_invoice_payment", args=[invoice.pk]),
        reverse("admin:accounts_client_change", args=[client_org.pk]),
        reverse("admin:accounts_client_invite", args=[client_org.pk]),
        reverse("admin:accounts_auditevent_changelist"),
        reverse("admin:billing_issuer_change", args=[client_org.issuer.pk]),
    ]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url
