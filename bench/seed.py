"""Load benchmark data fast: clients, invoices with lines, payments and credit notes by COPY.

Rows are written with PostgreSQL's COPY in chunks, one transaction per chunk (see
`bench.pgcopy`). Within a chunk the lines are copied *before* their invoices: the immutability
trigger of migration billing/0002 refuses lines for an issued invoice that already exists, and
Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so they are checked at the chunk's
commit instead. No trigger is disabled.
"""

import base64
import datetime
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from accounts.models import Client, Membership, User
from billing.models import Invoice, Issuer, NumberSequence

from .history import CreditPlan, InvoicePlan, plan_draft, plan_issued
from .pgcopy import Batch, Ids, Writer, backend_cpu_seconds, copy_rows

ISSUER_NAME = "Benchmark Trading"
EMAIL_DOMAIN = "bench.example"
PASSWORD = "bench-portal-2026"  # noqa: S105 - printed for the benchmark on purpose
BIG_CLIENT = "Northwind Holding"
SMALL_CLIENT = "Corner Bakery"
UTC = datetime.UTC
WRITERS = 2

CLIENT_COLUMNS = (
    "id, issuer_id, name, legal_name, vat_id, address_line1, address_line2, postal_code, city,"
    " country, billing_emails, language, payment_terms_days, external_reference, created_at"
)
INVOICE_COLUMNS = (
    "id, key, issuer_id, client_id, number, currency, issue_date, subtotal, vat_total, total,"
    " created_at, status, due_date, payment_terms_days, customer_reference, notes, amount_paid,"
    " amount_credited, balance, issued_at, paid_at, source, external_id, updated_at,"
    " payment_token, pdf_file, pdf_sha256"
)
LINE_COLUMNS = (
    "id, position, description, quantity, unit, unit_price, vat_rate, net_amount, client_id"
)
PAYMENT_COLUMNS = (
    "id, kind, amount, currency, method, reference, booked_on, note, created_at, client_id,"
    " invoice_id, recorded_by_id, key"
)
CREDIT_NOTE_COLUMNS = (
    "id, key, number, currency, issue_date, subtotal, vat_total, total, created_at, reason,"
    " issued_at, client_id, invoice_id, issuer_id, pdf_file, pdf_sha256"
)
NAME_WORDS = (  # noqa: SIM905
    "Acme Alpine Amstel Baltic Beacon Birch Blue Bright Canal Cedar Coastal Delta Dune Eagle"
    " Echo Elm Fjord Flux Garden Granite Harbor Hazel Iris Jade Juniper Kestrel Linden Lotus"
    " Maple Meadow Nova Oak Orbit Pioneer Polder Quartz Raven Ridge Sage Solar Summit Tulip"
    " Union Vega Vista Willow Zenith"
).split()
NAME_KINDS = "Logistics Design Studio Foods Bakery Consulting Media Works Labs".split()  # noqa: SIM905


@dataclass(frozen=True)
class SeedOptions:
    clients: int = 10_000
    invoices: int = 1_000_000
    big_client_invoices: int = 20_000
    seed: int = 2026
    years: int = 5
    today: datetime.date | None = None
    chunk: int = 10_000


@dataclass
class SeedReport:
    issuer_id: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    logins: list[tuple[str, str]] = field(default_factory=list)
    database_cpu: float | None = None  # seconds, when PostgreSQL runs on this machine


def data_present() -> tuple[int, int]:
    """Return (benchmark invoices, issuers that are not benchmark issuers) in the database."""
    bench = Invoice.objects.filter(issuer__name__startswith=ISSUER_NAME).count()
    others = Issuer.objects.exclude(name__startswith=ISSUER_NAME).count()
    return bench, others


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _token(rng: random.Random) -> str:
    """Return a payment-link token shaped like `new_payment_token` (256 bits), reproducibly."""
    return base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).rstrip(b"=").decode()


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """Return a moment during office hours (UTC) on a day."""
    return datetime.datetime.combine(day, datetime.time(7), UTC) + datetime.timedelta(
        seconds=rng.randrange(9 * 3600)
    )


class Loader:
    """Generate and load one benchmark issuer's history."""

    def __init__(self, options: SeedOptions, progress: Callable[[int], None]) -> None:
        self.options = options
        self.progress = progress
        self.today = options.today or datetime.date.today()  # noqa: DTZ011 - the issuer's zone below
        self.report = SeedReport()
        self.ids = {
            name: Ids(table)
            for name, table in {
                "client": "accounts_client",
                "invoice": "billing_invoice",
                "line": "billing_invoiceline",
                "payment": "billing_payment",
                "credit_note": "billing_creditnote",
                "credit_line": "billing_creditnoteline",
            }.items()
        }
        self.last_numbers: Counter[str] = Counter()
        self.credits: list[tuple[int, int, int, CreditPlan]] = []

    # --- clients ---------------------------------------------------------------------------

    def load_clients(self, issuer: Issuer) -> None:
        rng, count = self.rng, self.options.clients
        self.client_ids: list[int] = []
        self.terms: dict[int, int] = {}
        rows = []
        for index in range(count):
            client_id = self.ids["client"].take()
            if index == 0:
                name = BIG_CLIENT
            elif index == 1:
                name = SMALL_CLIENT
            else:
                name = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_KINDS)} {index:05d}"
            terms = rng.choice((14, 30, 30, 30, 60))
            self.client_ids.append(client_id)
            self.terms[client_id] = terms
            rows.append(
                (
                    client_id, issuer.pk, name, f"{name} B.V.", "", f"Havenweg {index % 200 + 1}",
                    "", "3011 AB", "Rotterdam", "NL", f"ap{index}@clients.{EMAIL_DOMAIN}",
                    rng.choice(("nl", "en")), terms, f"C{index:06d}", _at(self.start, rng),
                )
            )  # fmt: skip
        copy_rows("accounts_client", CLIENT_COLUMNS, rows)
        self.report.rows["clients"] += len(rows)
        # A few clients have many invoices, most have a few (Pareto weights).
        weights = [min(rng.paretovariate(1.2), 200.0) for _ in range(count)]
        weights[0] = 0.0  # the big client gets exactly its share below
        weights[1] = sum(weights) / count  # the small client: a typical one
        self.cum_weights = list(_running(weights))

    # --- invoices --------------------------------------------------------------------------

    def load_invoices(self, issuer: Issuer) -> None:
        total = self.options.invoices
        big = min(self.options.big_client_invoices, total)
        big_slots = set(self.rng.sample(range(total), big)) if self.options.clients > 1 else set()
        span = (self.today - self.start).days
        # Two writers: PostgreSQL parses, indexes and checks one chunk on each core.
        writers = [Writer(self.progress) for _ in range(WRITERS)]
        for writer in writers:
            writer.start()
        try:
            for number, first in enumerate(range(0, total, self.options.chunk)):
                last = min(first + self.options.chunk, total)
                batch = self._chunk(issuer, range(first, last), big_slots, span)
                writers[number % len(writers)].put(batch, last - first)
        finally:
            for writer in writers:
                writer.finish()
        for writer in writers:
            writer.raise_error()
        self._add_database_cpu(*(writer.backend_cpu for writer in writers))

    def _add_database_cpu(self, *seconds: float | None) -> None:
        if all(value is not None for value in seconds):
            known = sum(value for value in seconds if value is not None)
            self.report.database_cpu = (self.report.database_cpu or 0.0) + known

    def _client_for(self, slot: int, big_slots: set[int]) -> int:
        if slot in big_slots or len(self.client_ids) == 1:
            return self.client_ids[0]
        return self.rng.choices(self.client_ids, cum_weights=self.cum_weights)[0]

    def _chunk(self, issuer: Issuer, slots: range, big_slots: set[int], span: int) -> Batch:
        rng, today, total = self.rng, self.today, self.options.invoices
        invoices, lines, payments = [], [], []
        for slot in slots:
            invoice_id = self.ids["invoice"].take()
            client_id = self._client_for(slot, big_slots)
            issue_date = self.start + datetime.timedelta(days=slot * span // total)
            # The newest slots hold the drafts, roughly one invoice in two hundred.
            if slot >= total - total // 50 and rng.random() < 0.25:
                plan, issue, number = plan_draft(rng), None, None
                created = _at(max(issue_date - datetime.timedelta(days=2), self.start), rng)
            else:
                due = issue_date + datetime.timedelta(days=self.terms[client_id])
                plan = plan_issued(rng, issue_date, due, today)
                series = f"{issuer.invoice_prefix}{issue_date.year}-"
                self.last_numbers[series] += 1
                number = f"{series}{self.last_numbers[series]:06d}"
                created = _at(issue_date, rng)
                issue = (issue_date, due, created)
            self.report.outcomes[plan.outcome] += 1
            for line in plan.lines:
                lines.append((self.ids["line"].take(), *line, client_id, invoice_id))
            for n, move in enumerate(plan.movements, start=1):
                payments.append(
                    (
                        self.ids["payment"].take(), move.kind, move.amount, "EUR", move.method,
                        f"BANK-{invoice_id}-{n}", move.booked_on, "", _at(move.booked_on, rng),
                        client_id, invoice_id, None, _uuid(rng),
                    )
                )  # fmt: skip
            if plan.credit is not None:
                self.credits.append((invoice_id, client_id, issuer.pk, plan.credit))
            invoices.append(
                self._invoice_row(issuer, invoice_id, client_id, plan, number, issue, created)
            )
        self.report.rows.update(
            invoices=len(invoices), invoice_lines=len(lines), payments=len(payments)
        )
        return [
            ("billing_invoiceline", f"{LINE_COLUMNS}, invoice_id", lines),
            ("billing_invoice", INVOICE_COLUMNS, invoices),
            ("billing_payment", PAYMENT_COLUMNS, payments),
        ]

    def _invoice_row(
        self,
        issuer: Issuer,
        invoice_id: int,
        client_id: int,
        plan: InvoicePlan,
        number: str | None,
        issue: tuple[datetime.date, datetime.date, datetime.datetime] | None,
        created: datetime.datetime,
    ) -> tuple[Any, ...]:
        rng, totals = self.rng, plan.totals
        issue_date, due_date, issued_at = issue if issue else (None, None, None)
        paid_at = _at(plan.settled_on, rng) if plan.settled_on else None
        moments = [created, paid_at or created]
        moments += [_at(m.booked_on, rng) for m in plan.movements[-1:]]
        return (
            invoice_id, _uuid(rng), issuer.pk, client_id, number, "EUR", issue_date,
            totals.subtotal, totals.vat_total, totals.total, created, plan.status, due_date, None,
            f"PO-{rng.randrange(100000):05d}" if rng.random() < 0.3 else "", "", plan.amount_paid,
            plan.amount_credited, plan.balance, issued_at, paid_at, "", "", max(moments),
            _token(rng), "", "",
        )  # fmt: skip

    # --- credit notes ----------------------------------------------------------------------

    def load_credit_notes(self, issuer: Issuer) -> None:
        """Number credit notes in date order per year, after every invoice exists."""
        rng = self.rng
        notes, lines = [], []
        self.credits.sort(key=lambda item: (item[3].issue_date, item[0]))
        for invoice_id, client_id, issuer_id, credit in self.credits:
            note_id = self.ids["credit_note"].take()
            series = f"{issuer.credit_note_prefix}{credit.issue_date.year}-"
            self.last_numbers[series] += 1
            issued_at = _at(credit.issue_date, rng)
            notes.append(
                (
                    note_id, _uuid(rng), f"{series}{self.last_numbers[series]:06d}", "EUR",
                    credit.issue_date, credit.totals.subtotal, credit.totals.vat_total,
                    credit.totals.total, issued_at, credit.reason, issued_at, client_id,
                    invoice_id, issuer_id, "", "",
                )
            )  # fmt: skip
            for line in credit.lines:
                lines.append((self.ids["credit_line"].take(), *line, client_id, note_id))
        with transaction.atomic():
            copy_rows("billing_creditnote", CREDIT_NOTE_COLUMNS, notes)
            copy_rows("billing_creditnoteline", f"{LINE_COLUMNS}, credit_note_id", lines)
        self.report.rows.update(credit_notes=len(notes), credit_note_lines=len(lines))

    # --- the rest --------------------------------------------------------------------------

    def load_sequences(self, issuer: Issuer) -> None:
        NumberSequence.objects.bulk_create(
            NumberSequence(issuer=issuer, series=series, last_number=last)
            for series, last in sorted(self.last_numbers.items())
        )
        for ids in self.ids.values():
            ids.advance_sequence()

    def load_people(self) -> None:
        """Create staff and portal users: owners of the big and the small client, and others."""
        password = make_password(PASSWORD)  # hashed once: hashing is slow on purpose
        clients = Client.objects.in_bulk(self.client_ids[:6])
        people = [
            ("admin", None, "staff (admin)"),
            ("big", 0, "owner"),
            ("small", 1, "owner"),
            ("finance", 2, "finance"),
            ("viewer", 3, "viewer"),
            ("owner4", 4, "owner"),
            ("owner5", 5, "owner"),
        ]
        for local, index, role in people:
            email = f"{local}@{EMAIL_DOMAIN}"
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={
                    "password": password,
                    "is_staff": index is None,
                    "is_superuser": index is None,
                },
            )
            if index is None or index >= len(self.client_ids):
                self.report.logins.append((email, role))
                continue
            client = clients[self.client_ids[index]]
            Membership.objects.get_or_create(user=user, client=client, defaults={"role": role})
            self.report.logins.append((email, f"{role} at {client.name}"))

    def run(self) -> SeedReport:
        count = Issuer.objects.filter(name__startswith=ISSUER_NAME).count()
        issuer = Issuer.objects.create(
            name=ISSUER_NAME if count == 0 else f"{ISSUER_NAME} {count + 1}",
            legal_name=f"{ISSUER_NAME} B.V.",
            address_line1="Keizersgracht 1",
            postal_code="1015 AA",
            city="Amsterdam",
            vat_id="NL810433941B01",
            iban="NL91ABNA0417164300",
        )
        self.report.issuer_id = issuer.pk
        # A second benchmark issuer in the same database (--force) needs other keys.
        seed = self.options.seed
        self.rng = random.Random(seed if count == 0 else f"{seed}/{count}")
        if self.options.today is None:
            self.today = issuer.today()
        self.start = self.today.replace(year=self.today.year - self.options.years, day=1)
        with transaction.atomic():
            self.load_clients(issuer)
        self.load_invoices(issuer)
        self.load_credit_notes(issuer)
        with transaction.atomic():
            self.load_sequences(issuer)
            self.load_people()
        with connection.cursor() as cursor:
            # A vacuumed invoice table, as autovacuum leaves it, allows index-only scans.
            cursor.execute("VACUUM (ANALYZE) billing_invoice")
            cursor.execute("ANALYZE")
        if self.report.database_cpu is not None:
            self._add_database_cpu(backend_cpu_seconds())
        return self.report


def _running(weights: Iterable[float]) -> Iterable[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def bench_seed(options: SeedOptions, progress: Callable[[int], None]) -> SeedReport:
    """Load one benchmark issuer with its clients, users and invoice history."""
    return Loader(options, progress).run()
