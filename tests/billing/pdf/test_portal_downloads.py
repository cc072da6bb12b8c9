"""Members download their organisation's invoices and credit notes as the stored PDF.

Another client's document is a 404 behind either wall on its own; a first download renders and
stores once (also when several arrive at once); every download is an audit event; a stored file
that went missing or was altered gives a page that says so, not a server error.
"""

import datetime
import hashlib
import logging
import threading

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.urls import reverse

from accounts import rls
from accounts.models import AuditEvent, Membership
from billing.models import CreditNote, Invoice, NumberSequence
from billing.services import credit_note_issue, document_pdf_store
from tests.factories import ClientFactory, draft_invoice, issued_invoice, line
from tests.portal_support import SCOPE, member_of

from . import wall_urls
from .pdf_utils import pdf_text

BROWSER = {"REMOTE_ADDR": "198.51.100.23", "HTTP_USER_AGENT": "Mozilla/5.0 (Phone) Test"}


def _renders(document) -> int:
    """How often the document was rendered and stored, from the audit trail."""
    kind = "credit_note" if isinstance(document, CreditNote) else "invoice"
    return AuditEvent.objects.filter(
        action=f"{kind}.pdf_stored", object_id=str(document.pk)
    ).count()


def _pdf_url(document) -> str:
    name = "credit_note_pdf" if isinstance(document, CreditNote) else "invoice_pdf"
    return reverse(f"portal:{name}", args=[document.key])


@pytest.fixture
def invoice(client_org):
    """Invoice 2026-000123 of 121.00; the worker has not stored its PDF (nothing commits)."""
    NumberSequence.objects.create(issuer=client_org.issuer, series="2026-", last_number=122)
    lines = [line("100.00", text="Harbour consulting")]
    return issued_invoice(client_org, lines, issue_date=datetime.date(2026, 3, 2))


@pytest.fixture
def credit_note(invoice):
    return credit_note_issue(
        invoice=invoice, lines=[line("10.00", text="Goodwill")], reason="Late", by="test"
    )


@pytest.fixture
def member(client, client_org):
    user = member_of(client_org, role=Membership.Role.VIEWER)
    client.force_login(user)
    return user


@pytest.fixture
def other(client_org):
    """Another client of the same issuer, with an invoice and a credit note of its own."""
    bravo = ClientFactory(issuer=client_org.issuer, name="Bravo Maritime")
    invoice = issued_invoice(bravo, [line("4321.00", text="Work for Bravo")])
    note = credit_note_issue(
        invoice=invoice, lines=[line("21.00", text="Bravo discount")], reason="x", by="test"
    )
    return invoice, note


def _without_row_level_security() -> None:
    """Turn row-level security off on every table, in this test's transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER waits for no deferred checks
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relrowsecurity AND n.nspname = current_schema()"
        )
        for (table,) in cursor.fetchall():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {quoted} DISABLE ROW LEVEL SECURITY")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- what a member gets -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_downloads_the_invoice_named_after_its_number(client, member, invoice):
    response = client.get(_pdf_url(invoice), **BROWSER)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="invoice-2026-000123.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "2026-000123" in text and "Harbour consulting" in text


@pytest.mark.django_db
def test_a_credit_note_downloads_as_its_own_pdf(client, member, credit_note):
    response = client.get(_pdf_url(credit_note))

    assert response.status_code == 200
    filename = f"credit-note-{credit_note.number}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "Goodwill" in pdf_text(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Membership.Role))
def test_owners_finance_and_viewers_may_all_download(client, client_org, credit_note, role):
    client.force_login(member_of(client_org, role=role))
    assert client.get(_pdf_url(credit_note.invoice)).status_code == 200
    assert client.get(_pdf_url(credit_note)).status_code == 200


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, invoice):
    response = client.get(_pdf_url(invoice))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.filter(action="invoice.pdf_downloaded").exists()


@pytest.mark.django_db
def test_a_draft_has_no_download(client, member, client_org):
    draft = draft_invoice(client_org)
    assert client.get(_pdf_url(draft)).status_code == 404


@pytest.mark.django_db
def test_a_post_is_refused_without_recording_a_download(client, member, invoice):
    assert client.post(_pdf_url(invoice)).status_code == 405
    assert not AuditEvent.objects.filter(action="invoice.pdf_downloaded").exists()


# --- (b) rendered once, then served as stored -----------------------------------------------


@pytest.mark.django_db
def test_a_first_download_renders_once_and_later_ones_serve_the_stored_bytes(
    client, member, invoice, media_root
):
    assert not Invoice.objects.get(pk=invoice.pk).pdf_sha256  # the worker has not run

    first = client.get(_pdf_url(invoice)).content
    second = client.get(_pdf_url(invoice)).content
    third = client.get(_pdf_url(invoice)).content

    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.pdf_sha256
    assert first == second == third == (media_root / stored.pdf_file.name).read_bytes()
    assert hashlib.sha256(third).hexdigest() == stored.pdf_sha256
    assert _renders(invoice) == 1
    assert AuditEvent.objects.filter(action="invoice.pdf_downloaded").count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_downloads_through_the_portal_render_once(
    client_org, media_root, worker_stopped
):
    invoice = issued_invoice(client_org, [line("100.00")])  # queued, no worker to render it
    assert not Invoice.objects.get(pk=invoice.pk).pdf_sha256
    browsers = []
    for role in (Membership.Role.OWNER, Membership.Role.FINANCE, Membership.Role.VIEWER) * 2:
        browser = WebClient()
        browser.force_login(member_of(client_org, role=role))
        browsers.append(browser)
    start = threading.Barrier(len(browsers))
    answers: list[tuple[int, bytes]] = []
    errors: list[BaseException] = []

    def download(browser: WebClient) -> None:
        try:
            start.wait()
            response = browser.get(_pdf_url(invoice))
            answers.append((response.status_code, response.content))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=download, args=[b]) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    invoice.refresh_from_db()
    assert [status for status, _content in answers] == [200] * len(browsers)
    assert {content for _status, content in answers} == {
        (media_root / invoice.pdf_file.name).read_bytes()
    }
    assert hashlib.sha256(answers[0][1]).hexdigest() == invoice.pdf_sha256
    assert _renders(invoice) == 1
    assert len(list(media_root.rglob("*.pdf"))) == 1
    assert AuditEvent.objects.filter(action="invoice.pdf_downloaded").count() == len(browsers)


# --- (d) every download is an audit event ----------------------------------------------------


@pytest.mark.django_db
def test_each_download_records_who_which_client_which_document_ip_and_time(
    client, member, client_org, credit_note
):
    before = datetime.datetime.now(tz=datetime.UTC)
    client.get(_pdf_url(credit_note.invoice), **BROWSER)
    client.get(_pdf_url(credit_note), **BROWSER)
    client.get(_pdf_url(credit_note.invoice), REMOTE_ADDR="203.0.113.9")
    after = datetime.datetime.now(tz=datetime.UTC)

    events = list(AuditEvent.objects.filter(action__endswith=".pdf_downloaded").order_by("id"))
    assert [(e.action, e.object_id) for e in events] == [
        ("invoice.pdf_downloaded", str(credit_note.invoice.pk)),
        ("credit_note.pdf_downloaded", str(credit_note.pk)),
        ("invoice.pdf_downloaded", str(credit_note.invoice.pk)),
    ]
    for event in events:
        assert (event.actor, event.client) == (member, client_org)
        assert before <= event.created_at <= after
    assert [e.ip for e in events] == ["198.51.100.23", "198.51.100.23", "203.0.113.9"]
    assert events[0].user_agent == "Mozilla/5.0 (Phone) Test"
    assert events[1].data["number"] == credit_note.number


# --- (a) another client's PDF is a 404, behind each wall on its own ---------------------------


def _ask_for_the_other_clients(client, other) -> None:
    invoice, note = other
    for document in (invoice, note):
        response = client.get(_pdf_url(document))
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert "Bravo" not in response.text and document.number not in response.text
    assert not AuditEvent.objects.filter(client=invoice.client, action__contains="pdf").exists()
    assert not Invoice.objects.get(pk=invoice.pk).pdf_sha256  # nothing was rendered for it


@pytest.mark.django_db
def test_another_clients_pdf_is_a_404_behind_both_walls(client, member, other):
    _ask_for_the_other_clients(client, other)


@pytest.mark.django_db
@pytest.mark.urls("tests.billing.pdf.wall_urls")
def test_another_clients_pdf_is_a_404_with_the_application_wall_alone(client, member, other):
    _without_row_level_security()

    _ask_for_the_other_clients(client, other)  # the client filter alone holds …

    # … while the database stops nothing: a lookup that forgets the client finds B's PDF.
    leaked = client.get(f"/leaky-pdf/{other[0].key}/")
    assert leaked.status_code == 200 and "Bravo" in pdf_text(leaked.content)


@pytest.mark.django_db
@pytest.mark.urls("tests.billing.pdf.wall_urls")
def test_another_clients_pdf_is_a_404_with_row_level_security_alone(client, member, other):
    wall_urls.roles_seen.clear()

    response = client.get(f"/leaky-pdf/{other[0].key}/")  # the lookup forgets the client

    assert response.status_code == 404
    assert wall_urls.roles_seen == [rls.ROLE]  # not the superuser, who bypasses the policies
    assert not AuditEvent.objects.filter(client=other[0].client, action__contains="pdf").exists()
    assert not Invoice.objects.get(pk=other[0].pk).pdf_sha256


# --- (f) a stored file that is gone or altered ------------------------------------------------


def _lose(path):
    path.unlink()


def _alter(path):
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% altered"))


@pytest.mark.django_db
@pytest.mark.parametrize("damage", [_lose, _alter])
def test_a_missing_or_altered_file_gives_a_503_page_and_a_critical_log_line(
    client, member, invoice, media_root, caplog, damage
):
    stored = document_pdf_store(document=invoice)
    damage(media_root / stored.pdf_file.name)
    caplog.set_level(logging.CRITICAL)

    response = client.get(_pdf_url(invoice))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "The document cannot be downloaded right now; we have been told" in response.text
    assert reverse("portal:invoice_detail", args=[invoice.key]) in response.text
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(critical) == 1 and invoice.number in critical[0].getMessage()
    assert not AuditEvent.objects.filter(action="invoice.pdf_downloaded").exists()
    assert _renders(invoice) == 1  # and it is not quietly rendered again


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_a_stored_download_runs_the_same_few_queries_and_never_reads_lines(
    client, member, client_org, kind, django_assert_num_queries
):
    documents = []
    for lines in (1, 40):
        invoice = issued_invoice(client_org, [line("10.00")] * lines)
        if kind == "credit_note":
            invoice = credit_note_issue(
                invoice=invoice, lines=[line("1.00")] * lines, reason="x", by="test"
            )
        documents.append(document_pdf_store(document=invoice))

    client.get(reverse("portal:dashboard"))  # the first page stores the current client

    for document in documents:
        # Session, user and memberships; the scope around the lookup; the download's
        # savepoint, its audit event and the release. No lock, no lines, no render.
        with django_assert_num_queries(3 + SCOPE + 1 + 3) as captured:
            response = client.get(_pdf_url(document))
        assert response.status_code == 200
        tables = " ".join(q["sql"] for q in captured.captured_queries)
        assert 'line"' not in tables and "FOR UPDATE" not in tables


# --- the links ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_invoice_page_has_a_download_link_named_after_the_invoice(client, member, invoice):
    page = client.get(reverse("portal:invoice_detail", args=[invoice.key])).text
    link = (
        f'<a class="button button-quiet" href="{_pdf_url(invoice)}"><span>Download'
        '<span class="visually-hidden"> invoice 2026-000123 as</span> PDF</span></a>'
    )
    assert link in page


@pytest.mark.django_db
def test_every_row_of_the_lists_links_to_its_pdf(client, member, client_org, credit_note):
    others = [issued_invoice(client_org, [line("5.00")]) for _ in range(3)]
    invoices = client.get(reverse("portal:invoice_list")).text
    for document in [credit_note.invoice, *others]:
        assert f'href="{_pdf_url(document)}"' in invoices
        hidden = f'<span class="visually-hidden">Download invoice {document.number} as </span>PDF'
        assert hidden in invoices
    notes = client.get(reverse("portal:credit_note_list")).text
    assert f'href="{_pdf_url(credit_note)}"' in notes
    assert f">Download credit note {credit_note.number} as </span>PDF" in notes
    detail = client.get(reverse("portal:credit_note_detail", args=[credit_note.key])).text
    assert f'href="{_pdf_url(credit_note)}"' in detail
    assert f"> credit note {credit_note.number} as</span> PDF" in detail
