"""API keys: `Authorization: Bearer ik_…`, one issuer per key."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from integrations.models import ApiKey
from integrations.models.api_key import KEY_PREFIX

# Writing "last used" on every call would cost a write per request; once a minute is enough.
TOUCH_EVERY = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Integration:
    """Who calls the API: the system behind one key (DRF's `request.user`)."""

    api_key: ApiKey
    is_authenticated: bool = True

    @property
    def actor(self) -> str:
        return f"api:{self.api_key.source}"


def key_lookup(raw: str) -> ApiKey | None:
    """Return the active key `raw` is, or None."""
    parts = raw.split("_")
    if not raw.startswith(KEY_PREFIX) or len(parts) < 3 or len(raw) > 200:
        return None
    key = ApiKey.objects.select_related("issuer").filter(prefix=parts[1]).first()
    if key is None or not key.is_active or not key.matches(raw):
        return None
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Integration, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise exceptions.AuthenticationFailed("Send the API key as: Authorization: Bearer ik_…")
        key = key_lookup(raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid or was revoked.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return Integration(key), key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from the back-office (Integrations > API keys).",
        }
