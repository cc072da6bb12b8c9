"""What the API accepts (validated field by field) and, for the schema, what it answers."""

from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from accounts.models import Client
from billing.models import InvoiceStatus
from billing.money import compute_totals, line_net

# Amounts stay well inside the database columns (14 digits, 2 decimals).
MAX_AMOUNT = Decimal("999999999.99")
country_code = RegexValidator(r"^[A-Z]{2}$", "Use an ISO 3166 code of two capital letters.")
external_id_field = RegexValidator(
    r"^[\w.:/@#+-]{1,100}$", "Use 1-100 letters, digits and . : / @ # + - _ (no spaces)."
)


class ClientSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, validators=[external_id_field])
    name = serializers.CharField(max_length=200)
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    vat_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address_line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, validators=[country_code])
    billing_emails = serializers.ListField(
        child=serializers.EmailField(max_length=254), required=False, max_length=20
    )
    language = serializers.ChoiceField(choices=Client.Language.choices, required=False)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=365, required=False)


class ClientUpdateSerializer(ClientSerializer):
    """The body of `PUT /clients/{external_id}/`: the id is in the path."""

    external_id = None


class LineSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("-999999"), max_value=Decimal("999999")
    )
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT
    )
    vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100")
    )

    def validate_quantity(self, value: Decimal) -> Decimal:
        if value == 0:
            raise serializers.ValidationError("A line needs a quantity other than zero.")
        return value


def check_lines(lines: list[dict[str, Any]], currency: str = "EUR") -> None:
    """Refuse lines whose net amounts or totals the invoice could not hold."""
    nets = []
    for index, line in enumerate(lines):
        net = line_net(line["quantity"], line["unit_price"], currency)
        if abs(net) > MAX_AMOUNT:
            raise serializers.ValidationError(
                {"lines": {index: {"unit_price": ["The line's amount is too large."]}}}
            )
        nets.append((net, line["vat_rate"]))
    totals = compute_totals(nets, currency)
    if totals.total < 0 or totals.subtotal < 0:
        raise serializers.ValidationError(
            {"lines": ["The total is negative; issue a credit note instead."]}
        )
    if totals.total > MAX_AMOUNT:
        raise serializers.ValidationError({"lines": ["The total is too large."]})


class InvoiceCreateSerializer(serializers.Serializer):
    client_external_id = serializers.CharField(max_length=100, validators=[external_id_field])
    external_id = serializers.CharField(
        max_length=100, required=False, validators=[external_id_field]
    )
    status = serializers.ChoiceField(
        choices=[("draft", "draft"), ("open", "open (issue at once)")], default="draft"
    )
    issue_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    customer_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    lines = LineSerializer(many=True, min_length=1, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        check_lines(attrs["lines"])
        if attrs.get("issue_date") and attrs["status"] != "open":
            raise serializers.ValidationError(
                {
                    "issue_date": [
                        "Only an invoice issued at once (status open) takes an issue date."
                    ]
                }
            )
        issue_date, due_date = attrs.get("issue_date"), attrs.get("due_date")
        if issue_date and due_date and due_date < issue_date:
            raise serializers.ValidationError(
                {"due_date": ["The due date lies before the issue date."]}
            )
        if due_date and attrs.get("payment_terms_days") is not None:
            raise serializers.ValidationError(
                {"payment_terms_days": ["Give a due date or payment terms, not both."]}
            )
        return attrs


class IssueSerializer(serializers.Serializer):
    issue_date = serializers.DateField(required=False)


class CreditNoteCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    lines = LineSerializer(
        many=True,
        required=False,
        min_length=1,
        max_length=500,
        help_text="Leave out to credit everything not yet credited.",
    )

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for index, line in enumerate(lines):
            if line["quantity"] <= 0 or line["unit_price"] <= 0:
                raise serializers.ValidationError(
                    {
                        index: {
                            "quantity": ["Credit note lines have positive quantities and prices."]
                        }
                    }
                )
        check_lines(lines)
        return lines


class PaymentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AMOUNT
    )
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The bank statement reference; the same reference twice is booked once.",
    )
    booked_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class InvoiceListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[*InvoiceStatus.values, "overdue"], required=False)
    client = serializers.CharField(
        max_length=100, required=False, help_text="The client's external id."
    )
    updated_since = serializers.DateTimeField(required=False)
    cursor = serializers.CharField(max_length=200, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=200, required=False)


class EventsQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        min_value=0, max_value=2**62, required=False, help_text="The next_cursor of the last page."
    )
    type = serializers.CharField(max_length=40, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=500, required=False)


# --- Answers (for the schema) -------------------------------------------------------------


class ClientOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    legal_name = serializers.CharField()
    vat_id = serializers.CharField()
    address_line1 = serializers.CharField()
    address_line2 = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    billing_emails = serializers.ListField(child=serializers.EmailField())
    language = serializers.CharField()
    payment_terms_days = serializers.IntegerField()


class LineOutSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.CharField()
    unit = serializers.CharField()
    unit_price = serializers.CharField()
    vat_rate = serializers.CharField()
    net_amount = serializers.CharField()


class ClientRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class InvoiceOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField(allow_null=True)
    external_id = serializers.CharField(allow_null=True)
    source = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=InvoiceStatus.values)
    client = ClientRefSerializer()
    currency = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    payment_terms_days = serializers.IntegerField(allow_null=True)
    customer_reference = serializers.CharField()
    subtotal = serializers.CharField()
    vat_total = serializers.CharField()
    total = serializers.CharField()
    amount_paid = serializers.CharField()
    amount_credited = serializers.CharField()
    balance = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    portal_url = serializers.URLField(allow_null=True)
    payment_url = serializers.URLField(allow_null=True)
    pdf_url = serializers.URLField(allow_null=True)
    updated_at = serializers.DateTimeField()
    lines = LineOutSerializer(many=True)


class InvoicePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = InvoiceOutSerializer(many=True)


class InvoiceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField(allow_null=True)
    external_id = serializers.CharField(allow_null=True)


class CreditNoteOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    invoice = InvoiceRefSerializer()
    reason = serializers.CharField()
    issue_date = serializers.DateField()
    currency = serializers.CharField()
    subtotal = serializers.CharField()
    vat_total = serializers.CharField()
    total = serializers.CharField()


class PaymentOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    method = serializers.CharField()
    reference = serializers.CharField()
    booked_on = serializers.DateField()
    invoice = serializers.DictField()


class EventSerializer(serializers.Serializer):
    cursor = serializers.CharField()
    type = serializers.CharField()
    timestamp = serializers.DateTimeField()
    event_id = serializers.CharField()
    data = serializers.DictField()


class EventPageSerializer(serializers.Serializer):
    events = EventSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)
    has_more = serializers.BooleanField()


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="A code: invalid, not_found, conflict, …")
    detail = serializers.CharField(help_text="A sentence for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Problems by field; nested fields are dotted ("lines.0.quantity").',
    )
