"""Helpers shared by the file loaders: reading bytes as text, stable ids, finishing metadata."""

from __future__ import annotations

import os
from pathlib import Path

from rag.documents import Document, InputError
from rag.metadata import dateline, event_date, outlet_attribution, title_from_text


def read_text(path: Path) -> str:
    """The file decoded as UTF-8 (a BOM is dropped); a clear error otherwise."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(str(path), "the file is empty", "remove it or add the article text")
    if b"\x00" in raw[:4096]:
        raise InputError(str(path), "looks like a binary file, not text", "export it as .txt, .pdf or .docx")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}", "is not valid UTF-8", "re-save the file as UTF-8") from None


def path_id(path: Path) -> str:
    """A stable id for a file without a url: its path relative to the working folder."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix() if os.sep == "/" else str(resolved)


def finish(doc: Document) -> Document:
    """Fill what the text itself tells: dateline place, outlet, event date, a title."""
    text = doc.text.strip()
    if not text:
        raise InputError(doc.origin, "has no text", "check that the file holds the article body")
    line = dateline(text)
    if line and not doc.place:
        doc.place = line[0]
    if not doc.source:
        doc.source = outlet_attribution(text)
    if doc.event_date is None:
        doc.event_date = event_date(text, doc.published)
    if not doc.title:
        doc.title = title_from_text(text) or Path(doc.origin.split(":")[0]).stem
    return doc
