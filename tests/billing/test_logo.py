import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from billing.models import Issuer

pytestmark = pytest.mark.django_db


def _image(kind: str = "PNG", size: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b6e4f").save(buffer, kind)
    return buffer.getvalue()


def _upload(admin_client, issuer: Issuer, name: str, content: bytes, kind: str = "image/png"):
    url = reverse("admin:billing_issuer_change", args=[issuer.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.pop("logo", None)
    data["logo"] = SimpleUploadedFile(name, content, content_type=kind)
    return admin_client.post(url, data)


def _logo_errors(response) -> list[str]:
    return response.context["adminform"].form.errors.get("logo", [])


def test_a_png_jpeg_or_webp_logo_is_accepted(admin_client, issuer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for kind, name in (("PNG", "logo.png"), ("JPEG", "logo.jpg"), ("WEBP", "logo.webp")):
        response = _upload(admin_client, issuer, name, _image(kind))
        assert response.status_code == 302, _logo_errors(response)
    issuer.refresh_from_db()
    assert issuer.logo.name.endswith(".webp")


def test_an_svg_logo_is_refused_with_the_reason(admin_client, issuer):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _upload(admin_client, issuer, "logo.svg", svg, "image/svg+xml")
    assert "SVG logos are not accepted" in _logo_errors(response)[0]


def test_a_file_that_only_pretends_to_be_an_image_is_refused(admin_client, issuer):
    response = _upload(admin_client, issuer, "logo.png", b"<html><script>x</script></html>")
    assert "not a PNG, JPEG or WebP image" in _logo_errors(response)[0]
    damaged = _image()[:60]
    response = _upload(admin_client, issuer, "logo.png", damaged)
    assert "damaged" in _logo_errors(response)[0]


def test_other_image_formats_are_refused_by_name(admin_client, issuer):
    response = _upload(admin_client, issuer, "logo.gif", _image("GIF"), "image/gif")
    assert "this file is GIF" in _logo_errors(response)[0]


def test_a_logo_too_large_in_bytes_or_pixels_is_refused(admin_client, issuer, settings):
    settings.LOGO_MAX_BYTES = 2000
    noisy = Image.effect_noise((200, 200), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    response = _upload(admin_client, issuer, "logo.png", buffer.getvalue())
    assert "upload one of at most 2.0" in _logo_errors(response)[0]
    settings.LOGO_MAX_BYTES = 1024 * 1024
    response = _upload(admin_client, issuer, "logo.png", _image(size=(4100, 10)))
    assert "4100 by 10 pixels" in _logo_errors(response)[0]


def test_the_model_checks_a_new_logo_outside_the_admin_too(issuer):
    issuer.logo = SimpleUploadedFile("logo.svg", b"<svg></svg>")
    with pytest.raises(Exception, match="SVG"):
        issuer.full_clean()
