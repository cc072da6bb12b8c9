import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from billing.demo import demo_seed
from billing.models import Invoice

pytestmark = pytest.mark.django_db


def _snapshot():
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "billing"}
    }
    invoices = list(
        Invoice.objects.order_by("pk").values_list(
            "number", "status", "total", "balance", "amount_paid", "amount_credited"
        )
    )
    return counts, invoices


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    assert "nothing changed" in capsys.readouterr().out


def test_seed_demo_on_a_later_day_still_changes_nothing():
    demo_seed(today=datetime.date(2026, 6, 1))
    first = _snapshot()
    demo_seed(today=datetime.date(2026, 9, 1))
    assert _snapshot() == first


def test_demo_covers_every_state_and_prints_the_logins(capsys):
    call_command("seed_demo")
    today = datetime.date.today()
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert statuses == {"draft", "open", "partially_paid", "paid", "void", "uncollectible"}
    assert Invoice.objects.overdue(on=today).exists()
    assert Invoice.objects.filter(credit_notes__isnull=False).exists()
    assert 25 <= Invoice.objects.count() <= 35
    out = capsys.readouterr().out
    for login in (
        "owner@acme.example",
        "finance@acme.example",
        "viewer@acme.example",
        "bookkeeper@example.com",
        "admin@studionoord.example",
    ):
        assert login in out


def test_the_printed_demo_api_key_lists_the_demo_invoices(client, capsys):
    call_command("seed_demo")
    key = capsys.readouterr().out.split("Demo API key (Authorization: Bearer …): ")[1].split()[0]
    answer = client.get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200
    assert answer.json()["results"]
    refused = client.get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Bearer {key}x")
    assert refused.status_code == 401
