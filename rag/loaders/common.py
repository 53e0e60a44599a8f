"""Helpers shared by the file loaders: reading bytes as text, stable ids, finishing metadata."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

from rag.documents import Document, InputError
from rag.metadata import dateline, event_date, outlet_attribution, title_from_text

# Single-byte encodings regional outlets still publish in; detected only when UTF-8 fails.
LEGACY_ENCODINGS = ("cp1251", "cp1252", "cp1250", "iso8859_1", "iso8859_2", "iso8859_5", "koi8_r", "latin_1")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def check_size(path: Path, max_bytes: int | None = None) -> None:
    """Refuse absurdly large files before reading them (the ``RAG_MAX_FILE_MB`` setting)."""
    limit = max_bytes or DEFAULT_MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            str(path),
            f"is {size / 1048576:.2g} MB, over the {round(limit / 1048576, 2):g} MB cap",
            "split it, or raise RAG_MAX_FILE_MB",
        )


def decode(raw: bytes, where: str) -> str:
    """UTF-8 (a BOM is dropped), else a confidently detected legacy encoding, else a clear error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        failure = InputError(
            f"{where}:{line}", "is not valid UTF-8 nor a recognised legacy encoding", "re-save as UTF-8"
        )
    from charset_normalizer import from_bytes

    guess = from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS)).best()
    text = str(guess) if guess is not None and guess.chaos <= 0.2 else ""
    if not text or _CONTROL.search(text):  # a single-byte codec decodes anything: real text has no controls
        raise failure
    return text


def read_text(path: Path) -> str:
    """The file's text: UTF-8, or cp1251/cp1252-style legacy encodings detected; clear errors otherwise."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(str(path), "the file is empty", "remove it or add the article text")
    if b"\x00" in raw[:4096]:
        raise InputError(str(path), "looks like a binary file, not text", "export it as .txt, .pdf or .docx")
    return decode(raw, str(path))


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
    if doc.published and doc.published > date.today() + timedelta(days=1):
        raise InputError(doc.origin, f"its date {doc.published} is in the future", "correct the date")
    line = dateline(text)
    if line and not doc.place:
        doc.place = line[0]
    if not doc.source:
        doc.source = outlet_attribution(text)
    if doc.event_date is None:
        doc.event_date = event_date(text, doc.published, doc.title)
    if not doc.title:
        doc.title = title_from_text(text) or Path(doc.origin.split(":")[0]).stem
    return doc
