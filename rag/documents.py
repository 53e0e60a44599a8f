"""The document record every loader produces and every later stage relies on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date


class InputError(ValueError):
    """Bad input a user can fix: says which file (and line) and what to do."""

    def __init__(self, location: str, problem: str, fix: str = ""):
        self.location, self.problem, self.fix = location, problem, fix
        super().__init__(f"{location}: {problem}" + (f" — {fix}" if fix else ""))


@dataclass
class Document:
    """One article or readout.

    ``doc_id`` is stable across re-ingestion (the url, else the file path, plus the line for
    collections) so that a changed document replaces its old chunks instead of duplicating.
    Dates are ``datetime.date``; ``date_int`` turns them into YYYYMMDD integers for Chroma's
    numeric range filters.
    """

    doc_id: str
    text: str
    title: str = ""
    url: str = ""
    source: str = ""
    published: date | None = None
    event_date: date | None = None
    place: str = ""
    origin: str = ""  # file (and line) the document came from, for messages
    extra: dict = field(default_factory=dict)

    def content_hash(self) -> str:
        """Changes when anything stored for the document changes (text or metadata)."""
        payload = asdict(self)
        payload.pop("origin")
        raw = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def text_hash(self) -> str:
        """Identical article text, whatever its name or feed (case and spacing ignored)."""
        normalized = " ".join(self.text.lower().split())
        return hashlib.sha256(normalized.encode("utf-8")).hexdigest()

    @property
    def date(self) -> date | None:
        """The date officials mean by 'when': the event when known, else publication."""
        return self.event_date or self.published


FOREVER = 99991231  # as a YYYYMMDD integer: "no upper bound" in a date range


def date_int(value: date | None) -> int:
    """``date(2024, 12, 23) -> 20241223``; 0 when unknown (sorts first, filters out)."""
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def date_from_int(value: int | None) -> date | None:
    """Inverse of :func:`date_int`; ``None`` for 0 or missing."""
    if not value:
        return None
    return date(value // 10000, value // 100 % 100, value % 100)
