"""Checks for an uploaded logo: a real PNG, JPEG or WebP image of reasonable size."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# SVG is refused, not sanitised: it is a document that can carry scripts and fetch other
# resources, and a raster logo does the job on screen, in email and in the PDF.
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP"}


def validate_logo(upload: File) -> None:
    """Raise ValidationError unless `upload` is a PNG, JPEG or WebP within the size limits."""
    max_bytes, max_pixels = settings.LOGO_MAX_BYTES, settings.LOGO_MAX_PIXELS
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The logo is %(size)s; upload one of at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="logo_too_large",
        )
    upload.seek(0)
    head = upload.read(512).lstrip().lower()
    upload.seek(0)
    if head.startswith((b"<svg", b"<?xml", b"<!doctype svg")):
        raise ValidationError(
            _("SVG logos are not accepted because they can contain scripts. Upload a PNG, JPEG "
              "or WebP image instead."),
            code="logo_svg",
        )  # fmt: skip
    try:
        with Image.open(upload) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not a PNG, JPEG or WebP image, or it is damaged."),
            code="logo_unreadable",
        ) from exc
    finally:
        upload.seek(0)
    if kind not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Logos must be PNG, JPEG or WebP; this file is %(kind)s.") % {"kind": kind},
            code="logo_format",
        )
    if width > max_pixels or height > max_pixels:
        raise ValidationError(
            _("The logo is %(width)d by %(height)d pixels; at most %(max)d on each side, please.")
            % {"width": width, "height": height, "max": max_pixels},
            code="logo_dimensions",
        )


class LogoFormField(forms.ImageField):
    """An image upload field that says precisely why a logo is refused."""

    def to_python(self, data: Any) -> Any:
        if data is not None and hasattr(data, "read"):
            validate_logo(data)
        return super().to_python(data)
