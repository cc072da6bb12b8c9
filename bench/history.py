"""One invoice's life in the benchmark data: its lines, payments and credit note.

Pure (no database): decided by a seeded random generator, with every amount computed by
`billing.money` and every status by the ledger's own rule (`status_for`), so the data obeys
the same rules as invoices that went through the services.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

from billing.models import Invoice
from billing.models.invoice import InvoiceStatus as S
from billing.money import ZERO, Totals, compute_totals, line_net, quantize
from billing.services.ledger import status_for

D = Decimal
EUR = "EUR"

# (description, unit, unit price, VAT rate); some prices have four decimals so that line
# rounding is exercised.
PRODUCTS: list[tuple[str, str, Decimal, Decimal]] = [
    ("Consulting", "hours", D("95.00"), D("21")),
    ("Senior consulting", "hours", D("135.00"), D("21")),
    ("Design work", "hours", D("82.50"), D("21")),
    ("Development", "hours", D("105.00"), D("21")),
    ("Project management", "hours", D("88.00"), D("21")),
    ("Support contract", "month", D("249.00"), D("21")),
    ("Hosting plan Basic", "month", D("19.95"), D("21")),
    ("Hosting plan Pro", "month", D("39.00"), D("21")),
    ("Domain name renewal", "year", D("12.99"), D("21")),
    ("SSL certificate", "year", D("49.00"), D("21")),
    ("Software licence", "seat", D("14.1667"), D("21")),
    ("Storage add-on", "GB", D("0.0450"), D("21")),
    ("Printed brochures (A5, 500 pcs)", "", D("310.50"), D("21")),
    ("Business cards (250 pcs)", "", D("39.95"), D("21")),
    ("Workshop day", "day", D("950.00"), D("21")),
    ("Travel costs", "km", D("0.2300"), D("21")),
    ("Training material", "", D("64.00"), D("21")),
    ("Reference book", "", D("34.95"), D("9")),
    ("E-book", "", D("19.99"), D("9")),
    ("Catering lunch", "persons", D("17.50"), D("9")),
    ("Coffee and pastries", "persons", D("6.25"), D("9")),
    ("Magazine subscription", "year", D("89.00"), D("9")),
    ("Export service (outside the EU)", "", D("420.00"), D("0")),
    ("Medical training (VAT exempt)", "hours", D("75.00"), D("0")),
]
QUANTITIES = [
    D(q)
    for q in ("1", "1", "1", "2", "3", "4", "5", "8", "10", "12", "0.5", "1.5", "2.25", "7.5", "40")
]
LINE_COUNT_WEIGHTS = [20, 18, 15, 12, 10, 8, 6, 5, 3, 3]  # 1 to 10 lines, fewer is commoner
METHODS = ["banktransfer"] * 12 + ["ideal"] * 5 + ["creditcard", "directdebit", "directdebit"]

OUTCOMES = [
    "open",
    "partial",
    "paid",
    "void",
    "written_off",
    "credited_full",
    "credited_partial",
    "refunded",
    "charged_back",
]
# Weights per outcome: not yet due, due within the last year, older than a year.
NOT_DUE: list[float] = [55, 8, 33, 1, 0, 1, 2, 0, 0]
PAST_DUE: list[float] = [5, 4, 70, 2, 3, 4, 6, 4, 2]
OLD: list[float] = [0.5, 0.5, 82.0, 2, 4, 4, 3, 3, 1]


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


CUM_NOT_DUE, CUM_PAST_DUE, CUM_OLD = _cumulative(NOT_DUE), _cumulative(PAST_DUE), _cumulative(OLD)
CUM_LINE_COUNTS = _cumulative([float(w) for w in LINE_COUNT_WEIGHTS])

# Every (product, quantity) net amount, rounded once by billing.money: lines reuse them.
NETS = [[line_net(q, product[2], EUR) for q in QUANTITIES] for product in PRODUCTS]

# A line as loaded: (position, description, quantity, unit, unit price, VAT rate, net).
Line = tuple[int, str, Decimal, str, Decimal, Decimal, Decimal]


@dataclass(slots=True)
class Movement:
    kind: str  # received, refunded, chargeback
    amount: Decimal
    booked_on: datetime.date
    method: str


@dataclass(slots=True)
class CreditPlan:
    issue_date: datetime.date
    lines: list[Line]
    totals: Totals
    reason: str


@dataclass(slots=True)
class InvoicePlan:
    outcome: str
    lines: list[Line]
    totals: Totals
    status: str = S.OPEN
    movements: list[Movement] = field(default_factory=list)
    credit: CreditPlan | None = None
    amount_paid: Decimal = ZERO
    amount_credited: Decimal = ZERO
    balance: Decimal = ZERO
    settled_on: datetime.date | None = None  # the day it became paid


def plan_lines(rng: random.Random) -> tuple[list[Line], Totals]:
    """Return 1 to 10 lines and their totals."""
    count = rng.choices(range(1, 11), cum_weights=CUM_LINE_COUNTS)[0]
    lines: list[Line] = []
    for position in range(1, count + 1):
        p = rng.randrange(len(PRODUCTS))
        q = rng.randrange(len(QUANTITIES))
        description, unit, price, rate = PRODUCTS[p]
        lines.append((position, description, QUANTITIES[q], unit, price, rate, NETS[p][q]))
    totals = compute_totals(((line[6], line[5]) for line in lines), EUR)
    return lines, totals


def plan_draft(rng: random.Random) -> InvoicePlan:
    lines, totals = plan_lines(rng)
    return InvoicePlan("draft", lines, totals, S.DRAFT, balance=totals.total)


def plan_issued(
    rng: random.Random, issue_date: datetime.date, due_date: datetime.date, today: datetime.date
) -> InvoicePlan:
    """Return an issued invoice's lines and what happened to it up to `today`."""
    lines, totals = plan_lines(rng)
    age = (today - issue_date).days
    table = CUM_NOT_DUE if due_date >= today else CUM_PAST_DUE if age < 365 else CUM_OLD
    plan = InvoicePlan(rng.choices(OUTCOMES, cum_weights=table)[0], lines, totals)
    _play(rng, plan, issue_date, due_date, today)
    return plan


def _day(
    rng: random.Random, after: datetime.date, within: int, today: datetime.date
) -> datetime.date:
    return min(after + datetime.timedelta(days=rng.randint(0, max(within, 0))), today)


def _fraction(rng: random.Random, amount: Decimal, low: float, high: float) -> Decimal:
    return quantize(amount * D(str(round(rng.uniform(low, high), 2))), EUR)


def _credit(
    rng: random.Random, plan: InvoicePlan, on: datetime.date, full: bool, reason: str
) -> None:
    """Credit every rate group in full, or part of the largest group's net."""
    groups = plan.totals.vat_groups
    if full:
        picked = [(group.rate, group.net) for group in groups]
    else:
        group = max(groups, key=lambda g: g.net)
        net = _fraction(rng, group.net, 0.1, 0.5)
        picked = [(group.rate, net)] if net > 0 else []
    if not picked:
        return
    lines: list[Line] = [
        (position, f"Credit at {rate}% VAT", D("1"), "", net, rate, line_net(D("1"), net, EUR))
        for position, (rate, net) in enumerate(picked, start=1)
    ]
    totals = compute_totals(((line[6], line[5]) for line in lines), EUR)
    plan.credit = CreditPlan(on, lines, totals, reason)


def _play(
    rng: random.Random,
    plan: InvoicePlan,
    issue_date: datetime.date,
    due_date: datetime.date,
    today: datetime.date,
) -> None:
    total, outcome = plan.totals.total, plan.outcome
    terms = (due_date - issue_date).days
    method = rng.choice(METHODS)
    paid_on = _day(rng, issue_date, terms + 15, today)
    base = S.OPEN

    def receive(amount: Decimal, on: datetime.date = paid_on) -> None:
        if amount > 0:
            plan.movements.append(Movement("received", amount, on, method))

    if outcome == "partial" or (outcome == "written_off" and rng.random() < 0.5):
        part = _fraction(rng, total, 0.2, 0.8)
        receive(part if part < total else ZERO)
    elif outcome == "paid":
        if rng.random() < 0.2:
            first = _fraction(rng, total, 0.3, 0.6)
            receive(first)
            receive(total - first, _day(rng, paid_on, 30, today))
        else:
            receive(total)
    elif outcome == "credited_full":
        _credit(rng, plan, _day(rng, issue_date, 20, today), True, "Order cancelled")
    elif outcome == "credited_partial":
        _credit(rng, plan, _day(rng, issue_date, 20, today), False, "Discount agreed")
        if rng.random() < 0.7 and plan.credit is not None:
            receive(total - plan.credit.totals.total, max(paid_on, plan.credit.issue_date))
    elif outcome == "refunded":
        receive(total)
        _credit(rng, plan, _day(rng, paid_on, 30, today), False, "Returned goods")
        if plan.credit is not None:
            plan.movements.append(
                Movement("refunded", plan.credit.totals.total, plan.credit.issue_date, method)
            )
    elif outcome == "charged_back":
        receive(total)
        plan.movements.append(Movement("chargeback", total, _day(rng, paid_on, 40, today), method))

    if outcome == "void":
        base = S.VOID
    elif outcome == "written_off":
        base = S.UNCOLLECTIBLE
    _settle(plan, base)


def _settle(plan: InvoicePlan, base: str) -> None:
    """Derive paid, credited, balance and status exactly as `invoice_recompute` does."""
    received = sum((m.amount for m in plan.movements if m.kind == "received"), ZERO)
    returned = sum((m.amount for m in plan.movements if m.kind != "received"), ZERO)
    net_paid = received - returned
    credited = plan.credit.totals.total if plan.credit else ZERO
    due = ZERO if base == S.VOID else plan.totals.total
    plan.amount_paid, plan.amount_credited = net_paid, credited
    plan.balance = due - net_paid - credited
    plan.status = status_for(cast(Invoice, SimpleNamespace(status=base)), net_paid, plan.balance)
    if plan.status == S.PAID:
        days = [m.booked_on for m in plan.movements]
        if plan.credit:
            days.append(plan.credit.issue_date)
        plan.settled_on = max(days)
