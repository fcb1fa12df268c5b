"""What a release's HTML page may not do: run a script or load anything from another site.

Parsed with the standard library's ``html.parser``: every tag and attribute is
seen, whatever its case or quoting; inline ``<style>`` text and ``style``
attributes are searched for ``url(...)`` and ``@import``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_URL_ATTRIBUTES = {
    "src",
    "href",
    "srcset",
    "action",
    "data",
    "poster",
    "xlink:href",
    "formaction",
    "background",
}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_SAFE_SCHEMES = ("mailto:", "#")


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "link", "base", "frame"):
            self.problems.append(f"<{tag}> element")
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in _URL_ATTRIBUTES:
                if tag == "a" and name == "href":
                    self.links.append(value)
                if value.lower().startswith("javascript:"):
                    self.problems.append(f"javascript: URL in {name}")
                elif tag != "a" and _EXTERNAL.match(value) and not value.startswith("data:"):
                    self.problems.append(f"<{tag} {name}={value!r}> loads from another site")
            if name == "style":
                self._css(value, f"style attribute of <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "<style>")

    def _css(self, text: str, where: str) -> None:
        if "@import" in text.lower():
            self.problems.append(f"@import in {where}")
        for url in _CSS_URL.findall(text):
            if not url.startswith("#") and not url.startswith("data:"):
                self.problems.append(f"url({url}) in {where}")


def audit_html(text: str) -> tuple[list[str], list[str]]:
    """(problems, links of ``<a href>``): a script, an event handler, or anything loaded from elsewhere."""
    parser = _Audit()
    parser.feed(text)
    parser.close()
    return parser.problems, parser.links


def external_links(links: list[str]) -> list[str]:
    """The links that lead to another site (allowed on an ``<a>``, but only the ones a test expects)."""
    return [link for link in links if _EXTERNAL.match(link) and not link.startswith(_SAFE_SCHEMES)]
