"""Links and media of an HTML page (selectolax's Lexbor parser, which takes any malformed HTML),
bounded: at most so many bytes parsed and so many links kept per page."""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from eucentre.search import urls

MAX_HTML_BYTES = 2 * 1024 * 1024
MAX_LINKS = 500
MAX_MEDIA = 200
MEDIA_SELECTORS = ("img[src]", "video[src]", "source[src]", "img[data-src]")


@dataclass
class PageLinks:
    pages: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    refused: int = 0


def _base(tree: LexborHTMLParser, page_url: str) -> str:
    base = tree.css_first("base[href]")
    if base is not None:
        try:
            return urls.normalise(base.attributes.get("href") or "", base=page_url)
        except urls.BadUrl:
            pass
    return page_url


def links_of(html: bytes, page_url: str) -> PageLinks:
    found = PageLinks()
    tree = LexborHTMLParser(html[:MAX_HTML_BYTES].decode("utf-8", "replace"))
    base = _base(tree, page_url)
    seen: set[str] = set()

    def add(raw: str | None, into: list[str], limit: int) -> None:
        if not raw or len(into) >= limit:
            return
        try:
            url = urls.normalise(raw, base=base)
        except urls.BadUrl:
            found.refused += 1
            return
        if url not in seen:
            seen.add(url)
            into.append(url)

    for selector in MEDIA_SELECTORS:
        attribute = "data-src" if "data-src" in selector else "src"
        for node in tree.css(selector):
            add(node.attributes.get(attribute), found.media, MAX_MEDIA)
    for node in tree.css("img[srcset], source[srcset]"):
        for candidate in (node.attributes.get("srcset") or "").split(",")[:10]:
            add(candidate.strip().split(" ", 1)[0], found.media, MAX_MEDIA)
    for node in tree.css("a[href], area[href], iframe[src]"):
        add(node.attributes.get("href") or node.attributes.get("src"), found.pages, MAX_LINKS)
    return found
