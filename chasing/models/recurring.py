"""Recurring plans: the same lines invoiced every month, quarter or year."""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def anchored(year: int, month: int, day: int) -> datetime.date:
    """Return the `day` of a month, or its last day when the month is shorter (31 → 28 Feb)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(date: datetime.date, months: int, day: int) -> datetime.date:
    index = date.year * 12 + date.month - 1 + months
    return anchored(index // 12, index % 12 + 1, day)


class RecurringPlan(models.Model):
    """Invoices a client the same lines each period, from `start_date` until `end_date`."""

    Frequency = Frequency

    client = models.ForeignKey(
        "accounts.Client",
        on_delete=models.PROTECT,
        related_name="recurring_plans",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. Hosting, monthly."))
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    anchor_day = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Each period starts on this day (the last day in shorter months)."),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("No periods start after this day.")
    )
    issue_automatically = models.BooleanField(
        _("issue automatically"),
        default=True,
        help_text=_("Off: each period's invoice is created as a draft for staff to issue."),
    )
    send_automatically = models.BooleanField(
        _("email automatically"),
        default=True,
        help_text=_("Email each issued invoice to the client's billing addresses."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the client's terms."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Printed on each invoice."))
    active = models.BooleanField(_("active"), default=True)
    # The start of the first period not yet invoiced; the scheduled run looks plans up by it.
    next_period_start = models.DateField(_("next period"), null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring plan")
        verbose_name_plural = _("recurring plans")
        ordering = ["client", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anchor_day__gte=1, anchor_day__lte=31),
                name="recurringplan_anchor_day_range",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="recurringplan_end_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_period_start"],
                name="recurringplan_due_idx",
                condition=models.Q(active=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.next_period_start is None:
            self.next_period_start = self.first_period_start()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end lies before the start.")})

    def first_period_start(self) -> datetime.date:
        """Return the first anchor day on or after the plan's start."""
        first = anchored(self.start_date.year, self.start_date.month, self.anchor_day)
        if first < self.start_date:
            first = add_months(first, 1, self.anchor_day)
        return first

    def period_after(self, start: datetime.date) -> datetime.date:
        return add_months(start, MONTHS[Frequency(self.frequency)], self.anchor_day)

    def period_end(self, start: datetime.date) -> datetime.date:
        return self.period_after(start) - datetime.timedelta(days=1)

    def periods_due(self, today: datetime.date, start: datetime.date) -> list[datetime.date]:
        """Return the period starts from `start` up to `today` (and the plan's end)."""
        starts = []
        current = start
        while current <= today and (self.end_date is None or current <= self.end_date):
            starts.append(current)
            current = self.period_after(current)
        return starts


class RecurringPlanLine(models.Model):
    plan = models.ForeignKey(RecurringPlan, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(
        _("VAT %"), max_digits=5, decimal_places=2, default=Decimal("21")
    )

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="planline_quantity_nonzero"
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0, vat_rate__lte=100),
                name="planline_vat_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class RecurringPeriod(models.Model):
    """One period of a plan that was invoiced; the unique pair makes it happen once."""

    plan = models.ForeignKey(RecurringPlan, on_delete=models.CASCADE, related_name="periods")
    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    invoice = models.OneToOneField(
        "billing.Invoice",
        on_delete=models.PROTECT,
        related_name="recurring_period",
        verbose_name=_("invoice"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoiced period")
        verbose_name_plural = _("invoiced periods")
        ordering = ["plan", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period_start"], name="recurringperiod_once_per_plan_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.period_start}"
