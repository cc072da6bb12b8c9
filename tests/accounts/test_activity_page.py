"""Owners see who viewed, downloaded or paid what, and when; nobody else, nothing of others."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership
from accounts.services import member_remove
from billing.services import payment_record
from tests.factories import ClientFactory, draft_invoice, issued_invoice, line
from tests.portal_support import SCOPE, member_of

pytestmark = pytest.mark.django_db
Role = Membership.Role
PAGE = reverse("accounts:activity")
BROWSER = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Mozilla/5.0 (Phone)"}


@pytest.fixture
def team(client_org):
    return {
        "owner": member_of(client_org, email="olga@acme.example"),
        "finance": member_of(client_org, role=Role.FINANCE, email="fay@acme.example"),
        "viewer": member_of(client_org, role=Role.VIEWER, email="vic@acme.example"),
    }


@pytest.fixture
def invoice(client_org):
    return issued_invoice(client_org, [line("100.00")])


def _rows(response):
    return [(row["who"], row["what"]) for row in response.context["rows"]]


def test_owners_see_who_viewed_and_downloaded_what_and_from_where(
    client, client_org, team, invoice, admin_user
):
    client.force_login(team["finance"])
    client.get(reverse("portal:invoice_detail", args=[invoice.key]), **BROWSER)
    audit_record(
        action="invoice.pdf_downloaded", by=team["viewer"], client=client_org, target=invoice
    )
    payment_record(invoice=invoice, amount=Decimal("50.00"), by=admin_user)
    client.force_login(team["owner"])
    response = client.get(PAGE)
    assert response.status_code == 200
    rows = _rows(response)
    issuer = client_org.issuer.name
    assert ("vic@acme.example", "Downloaded the invoice as PDF") in rows
    assert ("fay@acme.example", "Viewed the invoice") in rows
    assert (f"{issuer} staff", "Payment of €50.00 received") in rows
    assert (f"{issuer} staff", "The invoice became partially paid") in rows
    body = response.content.decode()
    link = reverse("portal:invoice_detail", args=[invoice.key])
    assert f'<a href="{link}">Invoice <span class="doc-number">{invoice.number}</span></a>' in body
    assert "198.51.100.7" in body
    assert admin_user.email not in body  # staff are named by their organisation only


def test_newest_first_and_filters_by_kind_and_person(client, client_org, team, invoice):
    for who in ("finance", "viewer", "finance"):
        audit_record(action="invoice.viewed", by=team[who], client=client_org, target=invoice)
    audit_record(
        action="invoice.pdf_downloaded", by=team["finance"], client=client_org, target=invoice
    )
    client.force_login(team["owner"])
    everything = client.get(PAGE)
    ids = [row["event"].pk for row in everything.context["rows"]]
    assert ids == sorted(ids, reverse=True)
    downloads = client.get(PAGE, {"kind": "downloads"})
    assert _rows(downloads) == [("fay@acme.example", "Downloaded the invoice as PDF")]
    fay = client.get(PAGE, {"kind": "views", "person": team["finance"].pk})
    assert _rows(fay) == [("fay@acme.example", "Viewed the invoice")] * 2
    nobody = client.get(PAGE, {"kind": "downloads", "person": team["viewer"].pk})
    assert "No activity matches these filters." in nobody.content.decode()


def test_colleague_changes_read_as_sentences(client, client_org, team):
    client.force_login(team["owner"])
    client.post(
        reverse("accounts:colleague_invite"), {"email": "nina@acme.example", "role": "finance"}
    )
    viewer = Membership.objects.get(user=team["viewer"])
    client.post(reverse("accounts:colleague_role", args=[viewer.pk]), {"role": "finance"})
    client.post(reverse("accounts:colleague_remove", args=[viewer.pk]))
    rows = _rows(client.get(PAGE, {"kind": "colleagues"}))
    assert rows == [
        ("olga@acme.example", "Removed the access of vic@acme.example"),
        ("olga@acme.example", "Made vic@acme.example finance"),
        ("olga@acme.example", "Invited nina@acme.example as finance"),
    ]


def test_a_former_colleague_is_still_named_in_what_they_did(client, client_org, team, invoice):
    audit_record(action="invoice.viewed", by=team["viewer"], client=client_org, target=invoice)
    member_remove(membership=Membership.objects.get(user=team["viewer"]), by=team["owner"])
    client.force_login(team["owner"])
    rows = _rows(client.get(PAGE, {"kind": "views"}))
    assert rows == [("vic@acme.example", "Viewed the invoice")]


def test_another_organisations_activity_and_back_office_events_never_show(
    client, client_org, team, invoice
):
    other = ClientFactory(issuer=client_org.issuer, name="Bravo Maritime")
    foreign = issued_invoice(other, [line("4321.00")])
    stranger = member_of(other, email="spy@bravo.example")
    audit_record(action="invoice.viewed", by=stranger, client=other, target=foreign)
    draft_invoice(client_org)  # "invoice.created" for a draft: not the client's business
    client.force_login(team["owner"])
    body = client.get(PAGE).content.decode()
    assert "spy@bravo.example" not in body and foreign.number not in body
    actions = {row["event"].action for row in client.get(PAGE).context["rows"]}
    assert actions == {"invoice.issued"}  # and not invoice.created / status draft → open


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
def test_finance_and_viewers_may_not_see_the_activity(client, client_org, team, role):
    client.force_login(team["finance" if role == Role.FINANCE else "viewer"])
    audit_record(action="invoice.viewed", by=team["owner"], client=client_org)
    response = client.get(PAGE)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Only owners can see who viewed or downloaded what." in body
    assert "olga@acme.example" not in body


def test_only_owners_see_the_colleagues_and_activity_links(client, client_org, team):
    links = (reverse("accounts:colleagues"), PAGE)
    for who, shown in (("owner", True), ("finance", False), ("viewer", False)):
        client.force_login(team[who])
        body = client.get(reverse("portal:dashboard")).content.decode()
        assert all((f'href="{link}"' in body) is shown for link in links), who


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "secrets"},
        {"person": "999999"},
        {"before": "abc"},
        {"after": "-5"},
        {"before": "9" * 40},
    ],
)
def test_bad_filter_values_are_reported_not_crashed_on(client, team, query):
    client.force_login(team["owner"])
    response = client.get(PAGE, query)
    assert response.status_code == 200
    assert "Some filters could not be used" in response.content.decode()


def test_pages_go_back_in_time_without_counting(client, client_org, team, invoice):
    events = [
        audit_record(action="invoice.viewed", by=team["finance"], client=client_org, target=invoice)
        for _ in range(120)
    ]
    newest = [e.pk for e in reversed(events)]
    client.force_login(team["owner"])
    first = client.get(PAGE, {"kind": "views"})
    assert [r["event"].pk for r in first.context["rows"]] == newest[:50]
    page = first.context["page"]
    assert f'rel="next" href="?kind=views&amp;before={page.older}"' in first.content.decode()
    assert page.newer is None and page.older == newest[49]
    second = client.get(PAGE, {"kind": "views", "before": page.older})
    assert [r["event"].pk for r in second.context["rows"]] == newest[50:100]
    third = client.get(PAGE, {"kind": "views", "before": second.context["page"].older})
    assert [r["event"].pk for r in third.context["rows"]] == newest[100:]
    assert third.context["page"].older is None
    back = client.get(PAGE, {"kind": "views", "after": third.context["page"].newer})
    assert [r["event"].pk for r in back.context["rows"]] == newest[50:100]
    assert (
        client.get(PAGE, {"kind": "views", "after": back.context["page"].newer})
        .context["page"]
        .newer
        is None
    )


def test_the_activity_page_runs_a_fixed_number_of_queries(
    client, client_org, team, invoice, django_assert_max_num_queries
):
    client.force_login(team["owner"])
    client.get(PAGE)

    def count() -> int:
        # Session, user, memberships; members, events, their invoices and credit notes.
        with django_assert_max_num_queries(7 + SCOPE) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    few = count()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="invoice.viewed",
            actor=team["finance"],
            client=client_org,
            object_type="billing.invoice",
            object_id=str(invoice.pk),
            object_repr=invoice.number,
        )
        for _ in range(500)
    )
    assert count() == few
