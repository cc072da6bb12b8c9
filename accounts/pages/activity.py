"""The organisation's activity page: who viewed, downloaded or paid what, and when (owners)."""

from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.activity import (
    KINDS,
    activity_events,
    activity_page,
    activity_people,
    actor_name,
    describe,
    document_links,
)
from accounts.models import AuditEvent, Client, User
from accounts.roles import Action
from accounts.scoping import client_of, role_required

MAX_ID = 2**63 - 1


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), required=False)
    person = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    before = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    after = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {m.user_id: m.user for m in activity_people(client)}
        kinds = [(key, label) for key, (label, _actions) in KINDS.items()]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("All activity")), *kinds]
        people = [(pk, user.email) for pk, user in self.people.items()]
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", _("Everyone")), *people]

    def chosen_person(self) -> User | None:
        return self.people.get(self.cleaned_data.get("person") or 0)


@role_required(Action.VIEW_ACTIVITY)
def activity_list(request: HttpRequest) -> HttpResponse:
    """List the organisation's activity, newest first, filtered by kind and person."""
    client = client_of(request)
    form = ActivityFilterForm(request.GET or None, client=client)
    valid = not form.is_bound or form.is_valid()
    rows: list[dict[str, Any]] = []
    page = None
    if valid:
        data = form.cleaned_data if form.is_bound else {}
        actor = form.chosen_person() if form.is_bound else None
        events = activity_events(client, kind=data.get("kind") or "", actor=actor)
        page = activity_page(events, before=data.get("before"), after=data.get("after"))
        rows = _rows(page.events, client)
    return render(
        request,
        "portal/activity/list.html",
        {"form": form, "valid": valid, "page": page, "rows": rows, "filtered": _filtered(form)},
    )


def _rows(events: list[AuditEvent], client: Client) -> list[dict[str, Any]]:
    documents = document_links(events, client)
    issuer = client.issuer.name
    rows = []
    for event in events:
        document = documents.get((event.object_type, event.object_id))
        currency = document.currency if document is not None else "EUR"
        rows.append(
            {
                "event": event,
                "who": actor_name(event, issuer),
                "what": describe(event, currency),
                "document": document,
                "kind": event.object_type,
            }
        )
    return rows


def _filtered(form: ActivityFilterForm) -> bool:
    return form.is_bound and bool(form.data.get("kind") or form.data.get("person"))
