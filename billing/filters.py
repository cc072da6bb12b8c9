"""The portal's list filters. Bad input becomes form errors shown next to the field, never a 500."""

import datetime
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from billing.models import CreditNote, Invoice, InvoiceStatus, Payment
from billing.models.invoice import InvoiceQuerySet

StrOrPromise = str | Promise
OVERDUE = "overdue"
STATUS_CHOICES = [
    (InvoiceStatus.OPEN.value, InvoiceStatus.OPEN.label),
    (InvoiceStatus.PARTIALLY_PAID.value, InvoiceStatus.PARTIALLY_PAID.label),
    (OVERDUE, _("Overdue")),
    (InvoiceStatus.PAID.value, InvoiceStatus.PAID.label),
    (InvoiceStatus.VOID.value, InvoiceStatus.VOID.label),
    (InvoiceStatus.UNCOLLECTIBLE.value, InvoiceStatus.UNCOLLECTIBLE.label),
]

INVOICE_ORDERING = [
    ("-issue_date", _("Newest first")),
    ("issue_date", _("Oldest first")),
    ("due_date", _("Due date, earliest first")),
    ("-due_date", _("Due date, latest first")),
    ("-total", _("Amount, highest first")),
    ("total", _("Amount, lowest first")),
    ("-balance", _("Balance due, highest first")),
    ("balance", _("Balance due, lowest first")),
    ("number", _("Number, ascending")),
    ("-number", _("Number, descending")),
]
CREDIT_NOTE_ORDERING = [
    ("-issue_date", _("Newest first")),
    ("issue_date", _("Oldest first")),
    ("-total", _("Amount, highest first")),
    ("total", _("Amount, lowest first")),
    ("number", _("Number, ascending")),
    ("-number", _("Number, descending")),
]

# What a browser's date picker sends; typed dates in the language's own format work too.
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
AMOUNT_FIELD: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": 0,
    "localize": True,
    "widget": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
}


def date_filter(field: str, lookup: str, label: StrOrPromise) -> filters.DateFilter:
    return filters.DateFilter(field_name=field, lookup_expr=lookup, label=label, widget=DATE_WIDGET)


class RangeCheckForm(forms.Form):
    """Refuse a range whose end lies before its start, naming the field to fix."""

    ranges: tuple[tuple[str, str, Any], ...] = (
        ("issue_date_after", "issue_date_before", _("The end date lies before the start date.")),
        ("due_date_after", "due_date_before", _("The end date lies before the start date.")),
        ("total_min", "total_max", _("The highest amount is lower than the lowest amount.")),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for low, high, message in self.ranges:
            if low in self.fields and high in self.fields:
                start, end = cleaned.get(low), cleaned.get(high)
                if start is not None and end is not None and end < start:
                    self.add_error(high, message)
        return cleaned


class PortalFilterSet(filters.FilterSet):
    """Common ground: a number search and an ordering that always ends in a stable key."""

    number = filters.CharFilter(
        field_name="number",
        lookup_expr="icontains",
        label=_("Number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    issue_date_after = date_filter("issue_date", "gte", _("Issued from"))
    issue_date_before = date_filter("issue_date", "lte", _("Issued until"))
    total_min = filters.NumberFilter(
        field_name="total", lookup_expr="gte", label=_("Amount from"), **AMOUNT_FIELD
    )
    total_max = filters.NumberFilter(
        field_name="total", lookup_expr="lte", label=_("Amount up to"), **AMOUNT_FIELD
    )

    # The order of the fields in the form: pairs of "from" and "until" sit side by side.
    field_order: tuple[str, ...] = (
        "status",
        "number",
        "issue_date_after",
        "issue_date_before",
        "due_date_after",
        "due_date_before",
        "total_min",
        "total_max",
        "ordering",
    )

    @classmethod
    def get_filters(cls) -> dict[str, filters.Filter]:
        found = super().get_filters()
        ordered = {name: found[name] for name in cls.field_order if name in found}
        return {**ordered, **found}

    def order(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # The tie-breaker runs the same way as the column, so one index on (client, column, id)
        # serves the order and its reverse.
        if not value:
            return queryset
        return queryset.order_by(value, "-id" if value.startswith("-") else "id")

    @property
    def is_filtered(self) -> bool:
        """Whether any filter other than the ordering is in use."""
        return self.is_bound and any(
            value not in (None, "")
            for name, value in self.form.cleaned_data.items()
            if name != "ordering"
        )


class InvoiceFilter(PortalFilterSet):
    status = filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=_("Status"), empty_label=_("Any status"), method="by_status"
    )
    due_date_after = date_filter("due_date", "gte", _("Due from"))
    due_date_before = date_filter("due_date", "lte", _("Due until"))
    ordering = filters.ChoiceFilter(
        choices=INVOICE_ORDERING, label=_("Sort by"), empty_label=None, method="order"
    )

    class Meta:
        model = Invoice
        fields: list[str] = []
        form = RangeCheckForm

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def by_status(self, queryset: InvoiceQuerySet, name: str, value: str) -> InvoiceQuerySet:
        if value == OVERDUE:
            return queryset.overdue(on=self.today)
        return queryset.filter(status=value) if value else queryset


class CreditNoteFilter(PortalFilterSet):
    ordering = filters.ChoiceFilter(
        choices=CREDIT_NOTE_ORDERING, label=_("Sort by"), empty_label=None, method="order"
    )

    class Meta:
        model = CreditNote
        fields: list[str] = []
        form = RangeCheckForm


class PaymentRangeForm(RangeCheckForm):
    ranges = (("booked_after", "booked_before", _("The end date lies before the start date.")),)


class PaymentFilter(filters.FilterSet):
    """The payments page: find the payments of one invoice, of one kind, or in a period."""

    number = filters.CharFilter(
        field_name="invoice__number",
        lookup_expr="icontains",
        label=_("Invoice number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = filters.ChoiceFilter(
        choices=Payment.Kind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    booked_after = date_filter("booked_on", "gte", _("Paid from"))
    booked_before = date_filter("booked_on", "lte", _("Paid until"))

    class Meta:
        model = Payment
        fields: list[str] = []
        form = PaymentRangeForm

    @property
    def is_filtered(self) -> bool:
        """Whether any filter is in use."""
        return self.is_bound and any(
            value not in (None, "") for value in self.form.cleaned_data.values()
        )
