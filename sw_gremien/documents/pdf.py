"""PDF documents from Jinja2 templates, rendered in a chosen language.

The HTML comes from the same templates and macros as the pages; WeasyPrint turns it into a
tagged A4 PDF. WeasyPrint fetches nothing from the network: its URL fetcher serves only files
from the package's static directory (our stylesheet) and the fonts come from the system.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from sw_gremien.i18n import _
from sw_gremien.paths import PACKAGE_DIR

STATIC_DIR = (PACKAGE_DIR / "static").resolve()


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a <style> element (for ``content:``)."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '\\"<>&\n\r' or ord(char) < 0x20 else char for char in str(text)
    )
    return f'"{escaped}"'


def _inside_static(url: str) -> Path | None:
    if not url.startswith("file:"):
        return None
    from urllib.request import url2pathname

    path = Path(url2pathname(url.split("?", 1)[0].removeprefix("file:"))).resolve()
    return path if path.is_relative_to(STATIC_DIR) and path.is_file() else None


class StaticOnlyFetcher(URLFetcher):
    """Refuses every URL but a file in ``sw_gremien/static``: a link in a user's Markdown
    (or an image, should they ever be allowed) never makes the server fetch anything."""

    def fetch(self, url, headers=None):
        path = _inside_static(url)
        if path is None:
            raise ValueError(f"not fetched: {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1: structure, language, title) from ``html``, whose relative
    links resolve against the static directory."""
    document = weasyprint.HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


_PAGE_OF = _("Page ${page} of ${pages}", mapping={"page": "\x01", "pages": "\x02"})


def page_counter_css(request) -> str:
    """The CSS ``content`` value "Seite " counter(page) " von " counter(pages), translated
    by the current localizer (call it while rendering, inside ``localized``)."""
    values = {"\x01": "counter(page)", "\x02": "counter(pages)"}
    pieces = re.split("([\x01\x02])", request.localizer.translate(_PAGE_OF))
    return " ".join(values.get(piece) or css_string(piece) for piece in pieces if piece)
