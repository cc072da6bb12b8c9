"""Two-factor sign-in for the demo's staff user: an authenticator with a published secret.

The demo signs in the way production does (password and code); there is no switch that turns
two-factor off and could be left on in production. The secret is as public as the demo
password: add it to an authenticator app, or run `manage.py demo_totp` for the current code.
"""

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

DEVICE_NAME = "Demo authenticator"
# RFC 6238's test secret ("12345678901234567890"), hex-encoded as django-otp stores keys.
KEY = "3132333435363738393031323334353637383930"


def demo_device_ensure(user: User) -> tuple[TOTPDevice, bool]:
    """Give a demo staff user a confirmed authenticator with the published secret."""
    return TOTPDevice.objects.get_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": KEY, "confirmed": True}
    )


def demo_secret() -> str:
    """Return the secret as authenticator apps take it (base32)."""
    return base64.b32encode(bytes.fromhex(KEY)).decode()


def demo_code(device: TOTPDevice) -> str:
    """Return the code the demo authenticator shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
