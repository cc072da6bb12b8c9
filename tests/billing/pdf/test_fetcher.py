"""Rendering fetches nothing from the network or the file system outside the static folder."""

import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from billing.pdf import invoice_pdf_render
from billing.pdf.fetcher import StaticOnlyURLFetcher
from tests.factories import issued_invoice, line

from .pdf_utils import pdf_text, squash

STATIC_FILE = Path(settings.BASE_DIR) / "static" / "img" / "logo-placeholder.svg"


class ConnectionRecorder:
    """A local TCP server that counts every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


@pytest.fixture
def recorder():
    server = ConnectionRecorder()
    yield server
    server.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/logo.png",
        "https://example.com/logo.png",
        "ftp://example.com/logo.png",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        f"file://{STATIC_FILE.parent}/../../../../etc/passwd",  # climbs out of static
        f"file://{settings.BASE_DIR}/manage.py",  # a project file, not a static one
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_remote_and_file_urls(url):
    with pytest.raises(FatalURLFetchingError):
        StaticOnlyURLFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = StaticOnlyURLFetcher()

    static = fetcher.fetch(STATIC_FILE.as_uri())
    assert static.read() == STATIC_FILE.read_bytes()
    assert static.content_type == "image/svg+xml"

    inline = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert inline.read() == b"hello"


def test_the_recorder_sees_a_fetch_that_is_not_blocked(recorder):
    """Proves the recorder works: WeasyPrint's own fetcher does connect."""
    HTML(string=f'<img src="http://127.0.0.1:{recorder.port}/x.png">').write_pdf()
    assert recorder.connections == 1


def test_unescaped_markup_with_our_fetcher_stops_the_render_without_connecting(recorder):
    with pytest.raises(FatalURLFetchingError):
        HTML(
            string=f'<img src="http://127.0.0.1:{recorder.port}/x.png">',
            url_fetcher=StaticOnlyURLFetcher(),
        ).write_pdf()
    assert recorder.connections == 0


@pytest.mark.django_db
def test_markup_in_a_line_description_is_printed_as_text_and_fetches_nothing(client_org, recorder):
    sneaky = [
        f'<img src="http://127.0.0.1:{recorder.port}/pixel.png">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        "<iframe src=file:///etc/passwd></iframe>",
        f"<style>@import url(http://127.0.0.1:{recorder.port}/x.css);</style>",
    ]
    invoice = issued_invoice(
        client_org,
        [line("1.00", text=text) for text in sneaky],
        notes=f'<img src="http://127.0.0.1:{recorder.port}/notes.png">',
        customer_reference=f"<img src=http://127.0.0.1:{recorder.port}/r>",
    )

    text = squash(pdf_text(invoice_pdf_render(invoice)))

    for markup in sneaky:
        assert squash(markup) in text
    assert squash(f'<img src="http://127.0.0.1:{recorder.port}/notes.png">') in text
    assert "root:x:0:0" not in text
    assert recorder.connections == 0


@pytest.mark.django_db
def test_an_svg_logo_that_points_elsewhere_is_left_out_and_fetches_nothing(
    client_org, recorder, caplog
):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="http://127.0.0.1:{recorder.port}/tracker.png" width="10" height="10"/>'
        "</svg>"
    )
    client_org.issuer.logo.save("logo.svg", ContentFile(svg.encode()))

    text = pdf_text(invoice_pdf_render(issued_invoice(client_org)))

    assert "Total €121.00" in text  # the invoice renders, without the logo
    assert f"refused to fetch http://127.0.0.1:{recorder.port}/tracker.png" in caplog.text
    assert recorder.connections == 0
