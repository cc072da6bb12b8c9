"""Clients as an outside system knows them: created and updated by its own customer id."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.audit import Actor, audit_record
from accounts.models import Client
from billing.models import Issuer
from integrations.models import ExternalClient

CLIENT_FIELDS = (
    "name",
    "legal_name",
    "vat_id",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "billing_emails",
    "language",
    "payment_terms_days",
)


def client_by_external_id(*, issuer: Issuer, source: str, external_id: str) -> Client | None:
    """Return the issuer's client that `source` calls `external_id`, or None."""
    link = (
        ExternalClient.objects.select_related("client")
        .filter(issuer=issuer, source=source, external_id=external_id)
        .first()
    )
    return link.client if link else None


def client_upsert(
    *, issuer: Issuer, source: str, external_id: str, data: dict[str, Any], by: Actor
) -> tuple[Client, bool]:
    """Create the client `source` calls `external_id`, or update it; return it and if it is new.

    Raises ValidationError (by field) when the model refuses a value.
    """
    values = {name: data[name] for name in CLIENT_FIELDS if name in data}
    if isinstance(values.get("billing_emails"), list):
        values["billing_emails"] = ", ".join(values["billing_emails"])
    for attempt in range(2):
        try:
            with transaction.atomic():
                link = (
                    ExternalClient.objects.select_for_update()
                    .select_related("client")
                    .filter(issuer=issuer, source=source, external_id=external_id)
                    .first()
                )
                created = link is None
                client = Client(issuer=issuer) if link is None else link.client
                if created and "payment_terms_days" not in values:
                    values["payment_terms_days"] = issuer.default_payment_terms_days
                for name, value in values.items():
                    setattr(client, name, value)
                client.full_clean()
                client.save()
                if created:
                    ExternalClient.objects.create(
                        issuer=issuer, source=source, external_id=external_id, client=client
                    )
                audit_record(
                    action="client.created" if created else "client.updated",
                    by=by,
                    client=client,
                    target=client,
                    data={"source": source, "external_id": external_id},
                )
                return client, created
        except IntegrityError:
            # Another request created the same external id at the same moment: update that one.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def validation_fields(exc: ValidationError) -> dict[str, list[str]]:
    """Return a model ValidationError as messages by field (`non_field_errors` for the rest)."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}
