"""Per-source mappings: turn what a system pushes into commands in the API's own shape.

A mapping returns a list of `Command`s; each command's data is then validated by the same
serializer the API uses, so a pushed invoice obeys exactly the rules of a posted one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class MappingError(Exception):
    """The payload cannot be read with this source's mapping (retrying will not help)."""


@dataclass(frozen=True)
class Command:
    kind: str  # "client", "invoice" or "payment"
    data: dict[str, Any]


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MappingError(f"{where}: expected an object.")
    return value


def portal(payload: Any) -> list[Command]:
    """`{"type": "client.upsert" | "invoice.upsert" | "payment.received", "data": {...}}`."""
    payload = _object(payload, "body")
    kinds = {"client.upsert": "client", "invoice.upsert": "invoice", "payment.received": "payment"}
    kind = kinds.get(str(payload.get("type")))
    if kind is None:
        raise MappingError(f"type: expected one of {', '.join(kinds)}.")
    return [Command(kind, _object(payload.get("data"), "data"))]


def flat(payload: Any) -> list[Command]:
    """A flat ERP export: `{"event": "invoice", "customer": {…}, "invoice_id": …, "lines": […]}`."""
    payload = _object(payload, "body")
    event = payload.get("event")
    commands = []
    if event in ("customer", "invoice"):
        customer = _object(payload.get("customer"), "customer")
        client: dict[str, Any] = {"external_id": customer.get("id"), "name": customer.get("name")}
        for ours, theirs in (
            ("vat_id", "vat"),
            ("address_line1", "address"),
            ("postal_code", "zip"),
            ("city", "city"),
            ("country", "country"),
            ("language", "language"),
        ):
            if theirs in customer:
                client[ours] = customer[theirs]
        if "email" in customer:
            client["billing_emails"] = [customer["email"]]
        commands.append(Command("client", client))
    if event == "invoice":
        lines = payload.get("lines")
        if not isinstance(lines, list):
            raise MappingError("lines: expected a list.")
        invoice: dict[str, Any] = {
            "client_external_id": commands[0].data["external_id"],
            "external_id": payload.get("invoice_id"),
            "status": "open" if payload.get("posted") else "draft",
            "lines": [
                {
                    "description": line.get("text"),
                    "quantity": line.get("qty", 1),
                    "unit_price": line.get("price"),
                    "vat_rate": line.get("vat", 21),
                    "unit": line.get("unit", ""),
                }
                for line in (_object(item, "lines[]") for item in lines)
            ],
        }
        for ours, theirs in (
            ("due_date", "due"),
            ("payment_terms_days", "terms"),
            ("customer_reference", "reference"),
        ):
            if theirs in payload:
                invoice[ours] = payload[theirs]
        commands.append(Command("invoice", invoice))
    elif event == "payment":
        payment = _object(payload.get("payment"), "payment")
        commands.append(
            Command(
                "payment",
                {
                    "invoice_external_id": payment.get("invoice_id"),
                    "amount": payment.get("amount"),
                    "reference": payment.get("reference", ""),
                    **({"booked_on": payment["date"]} if "date" in payment else {}),
                },
            )
        )
    elif event != "customer":
        raise MappingError("event: expected customer, invoice or payment.")
    return commands


MAPPINGS: dict[str, Callable[[Any], list[Command]]] = {"portal": portal, "flat": flat}


def normalize(mapping: str, payload: Any) -> list[Command]:
    """Return the commands a payload means under the named mapping."""
    try:
        return MAPPINGS[mapping](payload)
    except (AttributeError, TypeError, KeyError) as exc:
        raise MappingError(f"The payload does not fit the {mapping} mapping: {exc}") from exc
