"""The only way a PDF render may load anything: `data:` URIs and files under the static roots."""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse, path2url

logger = logging.getLogger(__name__)


def static_roots() -> list[Path]:
    """Return the folders whose files a PDF may embed: STATICFILES_DIRS and STATIC_ROOT."""
    folders = [
        entry[1] if isinstance(entry, tuple | list) else entry
        for entry in settings.STATICFILES_DIRS
    ]
    if settings.STATIC_ROOT:
        folders.append(settings.STATIC_ROOT)
    return [Path(folder).resolve() for folder in folders]


def static_base_url() -> str:
    """Return the base URL that relative references in PDF templates resolve against."""
    return path2url(str(static_roots()[0]) + "/")


class StaticOnlyURLFetcher(URLFetcher):
    """Serve `data:` URIs and static files; refuse anything else and stop the render.

    User text is escaped, so nothing a client or partner types should ever reach this
    fetcher; if something does (a template bug, an SVG logo pointing elsewhere), the render
    fails loudly instead of fetching from the network or the file system.
    """

    def __init__(self) -> None:
        super().__init__(
            timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True
        )
        self.roots = static_roots()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "file":
            path = self.static_file(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path2url(str(path)), path.read_bytes(), {"Content-Type": content_type}
                )
        logger.error("PDF render refused to fetch %s", url[:300])
        raise FatalURLFetchingError(f"PDF rendering may not fetch {url[:300]}")

    def static_file(self, url: str) -> Path | None:
        """Return the file a `file:` URL names if it lies inside a static root, else None."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query:
            return None
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_file():
            return None
        if any(path.is_relative_to(root) for root in self.roots):
            return path
        return None
