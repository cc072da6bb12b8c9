"""A sensible default reminder schedule: -3, +1, +7, +14 and +30 days, in English and Dutch."""

from django.db import transaction

from billing.models import Issuer
from chasing.models import Escalation, ReminderSchedule, ReminderStep

F, M, X = Escalation.FRIENDLY, Escalation.FIRM, Escalation.FINAL

# offset, escalation, sms, (subject, body) in English, then in Dutch.
STEPS = [
    (
        -3,
        F,
        False,
        (
            "Invoice {number} is due on {due_date}",
            "A friendly note: invoice {number} of {amount_due} is due on {due_date}, in "
            "{days_until_due} days.\nPay online: {payment_link}\nAlready paid? Then please "
            "ignore this message.",
        ),
        (
            "Factuur {number} vervalt op {due_date}",
            "Ter herinnering: factuur {number} van {amount_due} vervalt op {due_date}, over "
            "{days_until_due} dagen.\nOnline betalen: {payment_link}\nAl betaald? Dan kunt u "
            "dit bericht negeren.",
        ),
    ),
    (
        1,
        F,
        False,
        (
            "Reminder: invoice {number} was due yesterday",
            "Invoice {number} of {amount_due} was due on {due_date}. Perhaps it slipped "
            "through; you can pay it here: {payment_link}",
        ),
        (
            "Herinnering: factuur {number} verviel gisteren",
            "Factuur {number} van {amount_due} verviel op {due_date}. Misschien is hij aan "
            "uw aandacht ontsnapt; u kunt hem hier betalen: {payment_link}",
        ),
    ),
    (
        7,
        M,
        False,
        (
            "Second reminder: invoice {number} is {days_overdue} days overdue",
            "We have not yet received payment of {amount_due} for invoice {number}, due on "
            "{due_date}. Please pay within a few days: {payment_link}",
        ),
        (
            "Tweede herinnering: factuur {number} is {days_overdue} dagen over tijd",
            "Wij hebben de betaling van {amount_due} voor factuur {number}, vervallen op "
            "{due_date}, nog niet ontvangen. Betaal binnen enkele dagen: {payment_link}",
        ),
    ),
    (
        14,
        M,
        True,
        (
            "Payment overdue: invoice {number}",
            "Invoice {number} of {amount_due} is now {days_overdue} days overdue. Please pay "
            "today ({payment_link}) or reply if something is wrong with the invoice.",
        ),
        (
            "Betaling achterstallig: factuur {number}",
            "Factuur {number} van {amount_due} is nu {days_overdue} dagen over tijd. Betaal "
            "vandaag ({payment_link}) of laat het ons weten als er iets mis is.",
        ),
    ),
    (
        30,
        X,
        True,
        (
            "Final notice: invoice {number}",
            "Despite our reminders invoice {number} of {amount_due} is still unpaid, "
            "{days_overdue} days after its due date. If we do not receive payment within 14 "
            "days we will hand the claim over for collection. Pay now: {payment_link}",
        ),
        (
            "Laatste aanmaning: factuur {number}",
            "Ondanks onze herinneringen is factuur {number} van {amount_due} nog altijd niet "
            "betaald, {days_overdue} dagen na de vervaldatum. Ontvangen wij de betaling niet "
            "binnen 14 dagen, dan dragen wij de vordering over ter incasso. Betaal nu: "
            "{payment_link}",
        ),
    ),
]


@transaction.atomic
def reminder_schedule_default_create(
    *, issuer: Issuer, name: str = "Standard"
) -> tuple[ReminderSchedule, bool]:
    """Return the issuer's default schedule, creating the standard one if it has none."""
    existing = ReminderSchedule.objects.filter(issuer=issuer, is_default=True).first()
    if existing is not None:
        return existing, False
    schedule = ReminderSchedule.objects.create(issuer=issuer, name=name, is_default=True)
    ReminderStep.objects.bulk_create(
        ReminderStep(
            schedule=schedule,
            offset_days=offset,
            escalation=escalation,
            by_sms=sms,
            subject_en=en[0],
            body_en=en[1],
            subject_nl=nl[0],
            body_nl=nl[1],
        )
        for offset, escalation, sms, en, nl in STEPS
    )
    return schedule, True
