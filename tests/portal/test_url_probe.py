"""Every URL of the project, asked for client B's objects by a signed-in member of client A.

The probe walks the URL resolver (so a page added later is probed without anyone listing it),
fills every converter and keyword with B's keys, numbers, ids and tokens, and requests each URL
with GET and with POST (whose form fields name B's objects too). No answer may contain B's data
that the request did not already carry, none may fail with a server error, and no request may
change B's rows or record an event about B.

It runs twice: with both walls (application scoping and PostgreSQL row-level security), and with
the application wall alone, as the SQLite demo runs. A view that forgets its scoping is caught
either way: behind row-level security it cannot find B's object (a server error, or a page
without it), and without row-level security it shows B's data.

Handled on purpose:
- Capability links (an invitation link, an invoice's payment link, a payment's return page):
  whoever holds the token may see that one object and act on it (pay, accept), by design. A URL
  that carries one of B's tokens may show and change B's object; the same page asked with B's
  numbers or ids may not.
- The back-office refuses people who are not staff before it reads anything from the URL, so
  each back-office pattern is asked with one set of values (and must send A to the sign-in).
- Sign-out (a POST to it) is answered like any other URL; A signs in again before each request.
"""

import io
import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client as WebClient
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from accounts.models import AuditEvent, Invitation, Membership, User
from billing.models import CreditNote, Invoice, Payment, PaymentAttempt
from tests.mollie_fake import mollie_fake
from tests.portal_support import Organisation, two_organisations

pytestmark = pytest.mark.django_db

SCOPE_MIDDLEWARE = "accounts.middleware.ClientScopeMiddleware"
BOTH_WALLS, APPLICATION_WALL = "both walls", "application wall alone"


@dataclass(frozen=True)
class Value:
    """A value of B's that a URL or a form can carry."""

    raw: Any
    capability: bool = False  # a token that by itself grants access to one object


@dataclass
class Probe:
    """What the probe saw, for the assertions and for the failure message."""

    b: Organisation
    baseline: dict[str, Any] = field(default_factory=dict)  # B's rows as they must stay
    requests: int = 0
    patterns: set[str] = field(default_factory=set)
    capability_pages: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _values(b: Organisation) -> list[Value]:
    """Return every key, number, id and token of B's that a URL could carry."""
    invoices = list(Invoice.objects.filter(client=b.client))
    credit_notes = list(CreditNote.objects.filter(client=b.client))
    attempts = list(PaymentAttempt.objects.filter(client=b.client))
    values = [
        *(Value(i.key) for i in invoices),
        *(Value(c.key) for c in credit_notes),
        *(Value(i.number) for i in invoices),
        *(Value(c.number) for c in credit_notes),
        *(Value(a.mollie_id) for a in attempts if a.mollie_id),
        *(Value(i.payment_token, capability=True) for i in invoices),
        *(Value(a.key, capability=True) for a in attempts),
        Value(b.invitation_token, capability=True),
    ]
    ids = [
        b.client.pk,
        *(i.pk for i in invoices),
        *(c.pk for c in credit_notes),
        *Payment.objects.filter(client=b.client).values_list("pk", flat=True),
        *(a.pk for a in attempts),
        *Membership.objects.filter(client=b.client).values_list("pk", flat=True),
        *Membership.objects.filter(client=b.client).values_list("user_id", flat=True),
        *Invitation.objects.filter(client=b.client).values_list("pk", flat=True),
        AuditEvent.objects.filter(client=b.client).values_list("pk", flat=True).last(),
    ]
    values += [Value(pk) for pk in dict.fromkeys(ids)]
    return values


def _for_converter(converter: Any, values: list[Value]) -> list[tuple[str, Value]]:
    """Return B's values that this path converter accepts, as they appear in a URL."""
    fitting = []
    for value in values:
        raw = value.raw
        if isinstance(raw, uuid.UUID) and "uuid" not in type(converter).__name__.lower():
            raw = str(raw)
        try:
            text = converter.to_url(converter.to_python(str(raw)))
        except (ValueError, TypeError):
            continue
        if re.fullmatch(converter.regex, text):
            fitting.append((text, value))
    return fitting


def _for_regex(group: str, values: list[Value]) -> list[tuple[str, Value | None]]:
    """Return texts a regex group of an older-style pattern accepts, B's values where possible."""
    fitting: list[tuple[str, Value | None]] = [
        (str(v.raw), v) for v in values if re.fullmatch(group, str(v.raw))
    ]
    if fitting:
        return fitting
    literal = re.fullmatch(r"([\w/-]*)\.\*", group)  # e.g. "v2/.*": B's values after the prefix
    if literal:
        return [(literal.group(1) + str(v.raw), v) for v in values]
    alternatives = group.split("|")  # e.g. an app label: "auth|billing|accounts"
    if all(re.fullmatch(r"[\w-]+", a) for a in alternatives):
        return [(alternatives[0], None)]
    return []


def _parts(
    patterns: list[Any], prefix: tuple[Any, ...] = (), namespaces: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], tuple[str, ...], URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _parts(entry.url_patterns, (*prefix, entry.pattern), spaces)
        else:
            yield (*prefix, entry.pattern), namespaces, entry


def _piece_options(part: Any, values: list[Value]) -> list[list[tuple[str, Value | None]]]:
    """Return, for one part of a pattern, the choices for each of its slots (in order)."""
    if isinstance(part, RoutePattern):
        slots = re.findall(r"<(?:[^>:]+:)?([^>]+)>", str(part))
        return [_for_converter(part.converters[name], values) for name in slots]
    if isinstance(part, RegexPattern):
        return [_for_regex(group, values) for group in re.findall(r"\(\?P<\w+>(.*?)\)", str(part))]
    raise AssertionError(f"the probe does not know {type(part).__name__} patterns")


def _fill(part: Any, chosen: list[str]) -> str:
    if isinstance(part, RoutePattern):
        slots = iter(chosen)
        return re.sub(r"<[^>]+>", lambda _m: next(slots), str(part))
    slots = iter(chosen)
    text = re.sub(r"\(\?P<\w+>.*?\)", lambda _m: next(slots), str(part))
    return text.removeprefix("^").removesuffix("$").replace("\\", "")


def _urls(parts: tuple[Any, ...], values: list[Value]) -> tuple[list[tuple[str, list[Value]]], str]:
    """Return the URLs to ask for one pattern (each slot varied in turn), or why there are none."""
    options = [slot for part in parts for slot in _piece_options(part, values)]
    if any(not choices for choices in options):
        return [], "a slot no value of B's fits"
    variants: list[list[tuple[str, Value | None]]] = []
    if not options:
        variants = [[]]
    for index, choices in enumerate(options):
        for choice in choices:
            variant = [slot[0] for slot in options]
            variant[index] = choice
            variants.append(variant)
    urls = []
    for variant in variants:
        texts = iter(text for text, _value in variant)
        path = "/" + "".join(
            _fill(part, list(itertools.islice(texts, _slots(part)))) for part in parts
        )
        urls.append((path, [value for _text, value in variant if value is not None]))
    return urls, ""


def _slots(part: Any) -> int:
    if isinstance(part, RoutePattern):
        return len(re.findall(r"<[^>]+>", str(part)))
    return len(re.findall(r"\(\?P<\w+>", str(part)))


def _form(a: Organisation, b: Organisation) -> dict[str, str]:
    """Return form fields that point at B's objects, for every POST."""
    membership = Membership.objects.filter(client=b.client).first()
    return {
        "client": str(b.client.pk),
        "membership": str(membership.pk if membership else ""),
        "invitation": str(b.invitation.pk),
        "invoice": str(b.invoice.pk),
        "key": str(b.invoice.key),
        "number": b.invoice.number,
        "token": b.invoice.payment_token,
        "role": "owner",
        "email": "intruder@alpha.example",
        "amount": "10.00",
        "next": f"/invoices/{b.invoice.key}/",
    }


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", errors="replace")


def _snapshot(b: Organisation) -> dict[str, Any]:
    """Return B's rows that a request could change."""
    return {
        "memberships": sorted(
            Membership.objects.filter(client=b.client).values_list("pk", "user_id", "role")
        ),
        "invitations": sorted(
            Invitation.objects.filter(client=b.client).values_list("pk", "email", "revoked_at")
        ),
        "invoices": sorted(
            Invoice.objects.filter(client=b.client).values_list(
                "pk", "status", "notes", "payment_token", "balance"
            )
        ),
        "attempts": PaymentAttempt.objects.filter(client=b.client).count(),
        "payments": Payment.objects.filter(client=b.client).count(),
        "users": sorted(
            User.objects.filter(memberships__client=b.client).values_list("pk", "password")
        ),
        "events": AuditEvent.objects.filter(client=b.client).exclude(actor=None).count(),
    }


def _ask(
    web: WebClient,
    probe: Probe,
    a: Organisation,
    method: str,
    url: str,
    carried: list[Value],
    markers: list[str],
    form: dict[str, str],
) -> None:
    capability = any(value.capability for value in carried)
    if capability:
        # A token holder may see and use B's object (pay, accept): only what came before
        # this request is checked, and what this request changes becomes the new baseline.
        _check_unchanged(probe, f"before {method} {url}")
    if web.session.get("_auth_user_id") != str(a.owner.pk):  # signed out by the last one
        web.force_login(a.owner)
    try:
        response = web.get(url) if method == "GET" else web.post(url, form)
    except Exception as exc:  # a view that cannot find B's object behind the database wall
        probe.problems.append(f"{method} {url}: server error {type(exc).__name__}: {exc}")
        return
    finally:
        if capability:
            probe.baseline = _snapshot(probe.b)
    probe.requests += 1
    asked = url + " " + " ".join(form.values() if method == "POST" else [])
    answer = _body(response) + " " + response.get("Location", "")
    leaked = [m for m in markers if m in answer and m not in asked]
    if response.status_code >= 500:
        probe.problems.append(f"{method} {url}: {response.status_code}")
    if not leaked:
        return
    if capability:
        probe.capability_pages.add(resolve(url.split("?")[0]).route)
        return
    probe.problems.append(f"{method} {url}: {response.status_code} shows {leaked[:3]}")


def _check_unchanged(probe: Probe, when: str) -> None:
    now = _snapshot(probe.b)
    if now != probe.baseline:
        changed = [key for key in now if now[key] != probe.baseline.get(key)]
        probe.problems.append(f"B's {', '.join(changed)} changed {when}")
        probe.baseline = now


def _run(a: Organisation, b: Organisation, only: str = "") -> Probe:
    values = _values(b)
    markers = sorted(set(b.markers()) - set(a.markers()))  # e.g. an amount both happen to owe
    form = _form(a, b)
    probe = Probe(b=b, baseline=_snapshot(b))
    web = WebClient()
    for parts, namespaces, pattern in _parts(get_resolver().url_patterns):
        route = "".join(str(part) for part in parts)
        if not route.startswith(only):
            continue
        urls, why = _urls(parts, values)
        if not urls:
            probe.problems.append(f"{route}: cannot build a URL ({why}); teach the probe")
            continue
        if "admin" in namespaces:
            urls = urls[:1]  # the back-office refuses non-staff before reading the URL
        built = False
        for url, carried in urls:
            match = resolve(url)
            if match.func is not pattern.callback:
                continue
            built = True
            for method in ("GET", "POST"):
                _ask(web, probe, a, method, url, carried, markers, form)
            if "admin" in namespaces and pattern.name not in {"login", "logout"}:
                response = web.get(url)
                if not (response.status_code == 302 and "/admin/login/" in response["Location"]):
                    probe.problems.append(f"{url}: the back-office let a non-staff member in")
        if built:
            probe.patterns.add(route)
        else:
            probe.problems.append(f"{route}: the URLs built resolve elsewhere; teach the probe")
    _check_unchanged(probe, "by a request without B's token")
    return probe


@pytest.mark.parametrize("walls", [BOTH_WALLS, APPLICATION_WALL])
def test_no_url_gives_a_member_of_a_the_data_of_b(settings, walls):
    if walls == APPLICATION_WALL:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SCOPE_MIDDLEWARE]
    # The probe asks each payment-link URL dozens of times: a 429 would hide what it shows.
    settings.PAY_RATE_PER_IP = settings.PAY_RATE_PER_LINK = "100000/m"
    a, b = two_organisations()
    with mollie_fake():  # a view that calls Mollie gets Mollie's answers, never the network
        probe = _run(a, b)
    assert not probe.problems, "\n".join(probe.problems)
    every = {
        "".join(str(p) for p in parts) for parts, _ns, _p in _parts(get_resolver().url_patterns)
    }
    assert probe.patterns == every
    assert "invitation/<str:token>/" in probe.capability_pages  # B's own link shows B's name
    assert "pay/<str:token>/pdf/" in probe.capability_pages  # the PDF was read, as text


@pytest.mark.urls("tests.portal.leaky_urls")
@pytest.mark.parametrize("walls", [BOTH_WALLS, APPLICATION_WALL])
def test_the_probe_catches_a_view_that_forgot_its_scoping(settings, walls):
    """The probe itself can fail: a page that looks invoices up without the client is caught."""
    if walls == APPLICATION_WALL:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SCOPE_MIDDLEWARE]
    a, b = two_organisations()
    probe = _run(a, b, only="leaky/")
    assert probe.patterns == {"leaky/<uuid:key>/", "leaky/role/<int:pk>/"}
    assert probe.problems, "the probe missed an unscoped view"
    shown = [problem for problem in probe.problems if "200 shows" in problem]
    changed = [problem for problem in probe.problems if "B's memberships changed" in problem]
    if walls == BOTH_WALLS:  # the database hid B's rows: a server error, and nothing changed
        assert not shown and not changed, probe.problems
        assert all("server error" in problem for problem in probe.problems), probe.problems
    else:  # nothing behind the application wall: B's invoice is shown, B's member changed
        assert any("Bravo Maritime" in problem for problem in shown), probe.problems
        assert changed, probe.problems
