"""Plain text, Markdown and HTML articles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from rag.documents import Document
from rag.loaders.common import finish, path_id, read_text
from rag.metadata import parse_date, split_header

_MD_TITLE = re.compile(r"^#\s+(.+)$", re.MULTILINE)


def load_text(path: Path) -> Iterator[Document]:
    """A ``.txt``/``.md`` article, optionally opening with the ``" date YYYY-MM-DD "`` header."""
    published, body = split_header(read_text(path))
    title = ""
    if path.suffix.lower() in (".md", ".markdown"):
        match = _MD_TITLE.search(body[:2000])
        title = match.group(1).strip() if match else ""
    yield finish(Document(doc_id=path_id(path), text=body.strip(), title=title, published=published, origin=str(path)))


_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button")
_DATE_META = ("article:published_time", "datePublished", "date", "pubdate", "dc.date", "og:published_time")


def _meta(soup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag and tag.get("content"):
            return tag["content"].strip()
    return ""


def _main_text(soup) -> str:
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    blocks = [el.get_text(" ", strip=True) for el in root.find_all(["p", "h1", "h2", "h3", "h4", "li", "blockquote"])]
    blocks = [b for b in blocks if b]
    text = "\n\n".join(blocks) if blocks else root.get_text("\n", strip=True)
    return re.sub(r"[^\S\n\xa0]+", " ", text)  # any run of spaces (U+1680, U+2003 …) but line breaks and NBSP


def load_html(path: Path) -> Iterator[Document]:
    """An ``.html`` page: the article's main text, not the navigation around it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(read_text(path), "lxml")
    h1 = soup.find("h1")
    title = _meta(soup, "og:title") or (h1.get_text(" ", strip=True) if h1 else "")
    if not title and soup.title:
        title = soup.title.get_text(" ", strip=True)
    canonical = soup.find("link", rel="canonical")
    url = _meta(soup, "og:url") or (canonical.get("href", "") if canonical else "")
    published = parse_date(_meta(soup, *_DATE_META))
    time_tag = soup.find("time", attrs={"datetime": True})
    if published is None and time_tag:
        published = parse_date(time_tag["datetime"])
    source = _meta(soup, "og:site_name")
    text = _main_text(soup)
    yield finish(
        Document(
            doc_id=url or path_id(path),
            text=text,
            title=title,
            url=url,
            source=source,
            published=published,
            origin=str(path),
        )
    )
