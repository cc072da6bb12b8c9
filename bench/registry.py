"""The scenario registry: each scenario is a named operation that the runner times.

Add scenarios in a module under `bench/scenarios/` (imported automatically):

    page("portal: invoice list, small client", lambda ctx: "/invoices/", user="small",
         floor="floor: portal list SQL, small client")

    @scenario("reminders: sweep", group="worker", iterations=5)
    def sweep(ctx: Context) -> Operation:
        return lambda: reminders_send_due(today=ctx.facts.today)

`page` scenarios are HTTP GETs against the gunicorn server; the runner also counts their SQL
queries (in-process, same URL and user) and can point wrk at them. `scenario` times any
callable, in the runner's process. `floor=` names the scenario that is the floor to compare with.
"""

import datetime
import http.client
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Operation = Callable[[], object]


@dataclass(frozen=True)
class Facts:
    """Rows of the benchmark data that scenarios refer to, looked up once per run."""

    today: datetime.date
    big_client_id: int
    small_client_id: int
    small_client_name: str
    invoice_number: str  # an issued invoice of the big client, for search and lookups
    invoice_id: int
    invoice_key: str
    small_invoice_key: str  # an issued invoice of the small client
    invoices: int  # all invoices in the database
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    host: str
    port: int
    sessions: dict[str, str]  # user key ("staff", "big", "small") -> session cookie value
    facts: Facts
    database_url: str
    cookie_name: str = "sessionid"  # settings.SESSION_COOKIE_NAME (production: __Host-sessionid)

    def headers(self, user: str | None) -> dict[str, str]:
        # The server runs the production settings behind an imagined TLS proxy.
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if user is not None:
            headers["Cookie"] = f"{self.cookie_name}={self.sessions[user]}"
        return headers

    def get(self, path: str, user: str | None) -> bytes:
        """GET a path from the benchmark server; anything but 200 is an error."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request("GET", path, headers=self.headers(user))
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
        return body


@dataclass(frozen=True)
class Scenario:
    name: str
    group: str
    prepare: Callable[[Context], Operation]
    floor: str | None = None
    iterations: int | None = None  # fewer runs for slow scenarios
    path: Callable[[Context], str] | None = None  # pages only
    user: str | None = None


SCENARIOS: dict[str, Scenario] = {}


def register(item: Scenario) -> Scenario:
    if item.name in SCENARIOS:
        raise ValueError(f"Two benchmark scenarios are named {item.name!r}.")
    SCENARIOS[item.name] = item
    return item


def scenario(
    name: str, *, group: str, floor: str | None = None, iterations: int | None = None
) -> Callable[[Callable[[Context], Operation]], Callable[[Context], Operation]]:
    """Register a function that, given the context, returns the operation to time."""

    def decorate(prepare: Callable[[Context], Operation]) -> Callable[[Context], Operation]:
        register(Scenario(name, group, prepare, floor, iterations))
        return prepare

    return decorate


def page(
    name: str,
    path: Callable[[Context], str],
    *,
    user: str | None,
    group: str,
    floor: str | None = None,
    iterations: int | None = None,
) -> Scenario:
    """Register a GET of a page through the HTTP server, signed in as `user`."""

    def prepare(ctx: Context) -> Operation:
        url = path(ctx)
        return lambda: ctx.get(url, user)

    return register(Scenario(name, group, prepare, floor, iterations, path, user))
