"""Nobody sees another organisation's data through the portal."""

import pytest
from django.urls import get_resolver, reverse

from accounts.models import Membership
from billing import urls as portal_urls
from tests.factories import ClientFactory, IssuerFactory, UserFactory
from tests.portal_support import invoice_with_history, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clients():
    """Clients A and B of one issuer (so their invoice numbers differ), each with history."""
    issuer = IssuerFactory()
    a, b = ClientFactory(issuer=issuer, name="Alpha"), ClientFactory(issuer=issuer, name="Bravo")
    today = issuer.today()
    invoice_a, credit_a = invoice_with_history(a, today)
    invoice_b, credit_b = invoice_with_history(b, today)
    return {
        "a": a,
        "b": b,
        "invoice_a": invoice_a,
        "invoice_b": invoice_b,
        "credit_a": credit_a,
        "credit_b": credit_b,
    }


# For every portal URL: how a member of A could ask for B's data, and what they get.
def _foreign_requests(data):
    invoice_b, credit_b = data["invoice_b"], data["credit_b"]
    return {
        "dashboard": (reverse("portal:dashboard"), 200),
        "invoice_list": (reverse("portal:invoice_list") + f"?number={invoice_b.number}", 200),
        "invoice_detail": (reverse("portal:invoice_detail", args=[invoice_b.key]), 404),
        "invoice_by_number": (reverse("portal:invoice_by_number", args=[invoice_b.number]), 404),
        "credit_note_list": (
            reverse("portal:credit_note_list") + f"?number={credit_b.number}",
            200,
        ),
        "credit_note_detail": (reverse("portal:credit_note_detail", args=[credit_b.key]), 404),
        "invoice_pay": (reverse("portal:invoice_pay", args=[invoice_b.key]), 404),
        "invoice_pdf": (reverse("portal:invoice_pdf", args=[invoice_b.key]), 404),
        "credit_note_pdf": (reverse("portal:credit_note_pdf", args=[credit_b.key]), 404),
        "payment_list": (reverse("portal:payment_list") + f"?number={invoice_b.number}", 200),
        "receipt": (reverse("portal:receipt", args=[invoice_b.payments.get().key]), 404),
        "invoice_paid": (reverse("portal:invoice_paid", args=[invoice_b.key]), 404),
        "invoice_dispute": (reverse("portal:invoice_dispute", args=[invoice_b.key]), 404),
        "notification_list": (reverse("portal:notification_list"), 200),
        "notifications_read": (reverse("portal:notifications_read"), 405),  # POST only
        "email_preferences": (reverse("portal:email_preferences"), 200),
    }


def test_every_portal_url_has_a_cross_client_case(two_clients):
    names = {pattern.name for pattern in portal_urls.urlpatterns}
    assert names == set(_foreign_requests(two_clients))


def test_a_member_of_a_gets_404_or_nothing_for_each_of_b_objects(client, two_clients):
    client.force_login(member_of(two_clients["a"]))
    for name, (url, status) in _foreign_requests(two_clients).items():
        response = client.get(url)
        assert response.status_code == status, name
        body = response.content.decode()
        assert "Bravo" not in body, name
        if "page" in (response.context or {}):
            assert response.context["page"].paginator.count == 0, name


def test_lists_name_only_the_current_clients_documents(client, two_clients):
    client.force_login(member_of(two_clients["a"]))
    invoices = client.get(reverse("portal:invoice_list")).content.decode()
    credit_notes = client.get(reverse("portal:credit_note_list")).content.decode()
    assert two_clients["invoice_a"].number in invoices
    assert two_clients["invoice_b"].number not in invoices
    assert two_clients["credit_a"].number in credit_notes
    assert two_clients["credit_b"].number not in credit_notes


def test_own_invoice_opens_by_key_and_by_number(client, two_clients):
    invoice = two_clients["invoice_a"]
    client.force_login(member_of(two_clients["a"]))
    assert client.get(reverse("portal:invoice_detail", args=[invoice.key])).status_code == 200
    response = client.get(reverse("portal:invoice_by_number", args=[invoice.number]))
    assert response.status_code == 302
    assert response.url == reverse("portal:invoice_detail", args=[invoice.key])


def test_drafts_are_not_shown_even_to_their_own_client(client, two_clients):
    from tests.factories import draft_invoice

    draft = draft_invoice(two_clients["a"])
    client.force_login(member_of(two_clients["a"]))
    assert client.get(reverse("portal:invoice_detail", args=[draft.key])).status_code == 404


def test_user_of_two_clients_sees_each_only_when_switched_to_it(client, two_clients):
    a, b = two_clients["a"], two_clients["b"]
    invoice_a, invoice_b = two_clients["invoice_a"], two_clients["invoice_b"]
    client.force_login(member_of(a, b))

    def status(invoice):
        return client.get(reverse("portal:invoice_detail", args=[invoice.key])).status_code

    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Alpha" in page  # the first organisation by name is the current one
    assert (status(invoice_a), status(invoice_b)) == (200, 404)

    response = client.post(reverse("accounts:switch_client"), {"client": b.pk})
    assert response.status_code == 302
    page = client.get(reverse("portal:invoice_list")).content.decode()
    assert invoice_b.number in page
    assert invoice_a.number not in page
    assert (status(invoice_a), status(invoice_b)) == (404, 200)


def test_switching_to_a_client_one_is_not_a_member_of_is_a_404(client, two_clients):
    client.force_login(member_of(two_clients["a"]))
    for value in (two_clients["b"].pk, "not-a-number", "\x00", 2**70):
        response = client.post(reverse("accounts:switch_client"), {"client": value})
        assert response.status_code == 404
    page = client.get(reverse("portal:invoice_list")).content.decode()
    assert two_clients["invoice_a"].number in page


def test_switching_needs_a_post(client, two_clients):
    client.force_login(member_of(two_clients["a"], two_clients["b"]))
    response = client.get(reverse("accounts:switch_client"), {"client": two_clients["b"].pk})
    assert response.status_code == 405


def test_losing_a_membership_ends_access_to_that_client_at_once(client, two_clients):
    user = member_of(two_clients["a"], two_clients["b"])
    client.force_login(user)
    client.post(reverse("accounts:switch_client"), {"client": two_clients["b"].pk})
    Membership.objects.filter(user=user, client=two_clients["b"]).delete()
    invoice_b_url = reverse("portal:invoice_detail", args=[two_clients["invoice_b"].key])
    assert client.get(invoice_b_url).status_code == 404
    assert "Alpha" in client.get(reverse("portal:dashboard")).content.decode()


@pytest.mark.parametrize("name", [p.name for p in portal_urls.urlpatterns])
def test_a_user_without_membership_gets_no_portal(client, two_clients, name):
    url = _foreign_requests(two_clients)[name][0]
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 403
    assert two_clients["invoice_a"].number not in response.content.decode()


def test_the_no_access_page_explains_itself(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 403
    assert "not linked to any organisation" in response.content.decode()
    assert user.email in response.content.decode()


def test_staff_without_membership_are_sent_to_the_back_office(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("portal:invoice_list"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_staff_with_a_membership_use_the_portal_like_anyone(client, two_clients):
    client.force_login(member_of(two_clients["a"], is_staff=True))
    assert client.get(reverse("portal:dashboard")).status_code == 200


@pytest.mark.parametrize("name", [p.name for p in portal_urls.urlpatterns])
def test_signed_out_visitors_are_sent_to_sign_in(client, two_clients, name):
    url = _foreign_requests(two_clients)[name][0]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_the_current_client_lives_in_the_session(client, two_clients):
    user = member_of(two_clients["a"], two_clients["b"])
    client.force_login(user)
    client.post(reverse("accounts:switch_client"), {"client": two_clients["b"].pk})
    assert client.session["portal_client_id"] == two_clients["b"].pk
    response = client.get(reverse("portal:dashboard"))
    assert response.wsgi_request.client == two_clients["b"]
    assert response.wsgi_request.membership == Membership.objects.get(
        user=user, client=two_clients["b"]
    )


def test_portal_urls_are_served_at_the_site_root():
    resolver = get_resolver()
    assert resolver.resolve("/").url_name == "dashboard"
    assert reverse("portal:invoice_list") == "/invoices/"
    assert reverse("portal:credit_note_list") == "/credit-notes/"


def test_the_mixin_guards_class_based_views_like_the_decorator(rf, two_clients):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.views import View

    from accounts.scoping import ClientRequiredMixin

    class Page(ClientRequiredMixin, View):
        def get(self, request):
            return HttpResponse(request.client.name)

    def call(user, client=None):
        request = rf.get("/somewhere/")
        request.user, request.client = user, client
        request.session = {}
        return Page.as_view()(request)

    assert call(AnonymousUser()).status_code == 302
    assert call(UserFactory()).status_code == 403
    assert call(UserFactory(is_staff=True)).url == reverse("admin:index")
    assert call(UserFactory(), two_clients["a"]).content == b"Alpha"
