"""JSON-lines collections: one document per line, with a field mapping for other shapes.

The defaults read the shared State Department and White House corpora: ``url``/``id``,
``title``, ``text``, ``published``/``date``, ``creator``. Other feeds map their own names,
e.g. ``FieldMap.parse(["text=body", "published=pubDate"])``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from rag.documents import Document, InputError
from rag.loaders.common import finish
from rag.metadata import parse_date

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("url", "id", "path"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content"),
    "published": ("published", "date", "published_time", "pubDate"),
    "source": ("source", "outlet", "publisher", "site_name"),
    "creator": ("creator", "author"),
    "place": ("place", "location"),
}

# Outlets known by their web address, so readouts say who wrote them.
KNOWN_HOSTS = {
    "www.state.gov": "U.S. Department of State",
    "state.gov": "U.S. Department of State",
    "www.whitehouse.gov": "The White House",
    "whitehouse.gov": "The White House",
    "bidenwhitehouse.archives.gov": "The White House",
    "trumpwhitehouse.archives.gov": "The White House",
    "obamawhitehouse.archives.gov": "The White House",
}


@dataclass(frozen=True)
class FieldMap:
    """Which record field feeds which document field (first non-empty name wins)."""

    fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FIELDS))

    @classmethod
    def parse(cls, pairs: list[str]) -> FieldMap:
        """From ``["text=body", "published=pubDate"]`` (the CLI's ``--field``)."""
        fields = dict(DEFAULT_FIELDS)
        for pair in pairs:
            target, _, name = pair.partition("=")
            if target not in DEFAULT_FIELDS or not name:
                raise InputError(
                    f"--field {pair}", "is not TARGET=NAME", f"TARGET is one of {', '.join(DEFAULT_FIELDS)}"
                )
            fields[target] = (name,)
        return cls(fields)

    def get(self, record: dict, target: str) -> str:
        for name in self.fields[target]:
            value = record.get(name)
            if value not in (None, "", []):
                return value if isinstance(value, str) else str(value)
        return ""


def _source_for(url: str, record_source: str) -> str:
    if record_source:
        return record_source
    host = urlparse(url).netloc.lower()
    return KNOWN_HOSTS.get(host, host)


def record_to_document(record: dict, fields: FieldMap, origin: str) -> Document:
    """One JSON object to a Document; raises InputError naming ``origin`` (file:line)."""
    text = fields.get(record, "text").strip()
    if not text:
        names = "/".join(fields.fields["text"])
        raise InputError(origin, f"record has no text (looked for '{names}')", "map it with --field text=NAME")
    url = fields.get(record, "url")
    doc_id = fields.get(record, "id") or url
    if not doc_id:
        raise InputError(origin, "record has no id or url", "map one with --field id=NAME")
    raw_date = fields.get(record, "published")
    published = parse_date(raw_date)
    if raw_date and published is None:
        raise InputError(origin, f"unreadable date '{raw_date}'", "use YYYY-MM-DD or an ISO datetime")
    creator = fields.get(record, "creator")
    doc = Document(
        doc_id=url or doc_id,
        text=text,
        title=fields.get(record, "title"),
        url=url,
        source=_source_for(url, fields.get(record, "source")),
        published=published,
        place=fields.get(record, "place"),
        origin=origin,
        extra={"creator": creator} if creator else {},
    )
    return finish(doc)


def _parse(raw: bytes, origin: str) -> dict:
    """One line to a JSON object; a ``\\ud800``-style escape (lone surrogate) is refused here,
    because such text cannot be hashed or stored as UTF-8 and would stop the whole ingest."""
    record = json.loads(raw.decode("utf-8-sig"))  # JSON is UTF-8 (RFC 8259)
    if not isinstance(record, dict):
        raise InputError(origin, "line is not a JSON object", "write one {...} object per line")
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(origin, "has an invalid \\u escape (a lone surrogate)", "fix or remove the line") from None
    return record


def load_jsonl(path: Path, field_map: FieldMap | None = None) -> Iterator[Document | InputError]:
    """Documents from a ``.jsonl`` file; a bad line yields an error and the rest go on."""
    fields = field_map or FieldMap()
    with path.open("rb") as handle:  # streamed line by line: no size cap for collections
        for number, raw in enumerate(handle, start=1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                yield record_to_document(_parse(raw, origin), fields, origin)
            except InputError as error:
                yield error
            except UnicodeDecodeError:
                yield InputError(origin, "line is not valid UTF-8", "re-save the file as UTF-8")
            except RecursionError:  # "[[[[…" thousands deep: Python's parser gives up
                yield InputError(origin, "JSON is nested too deeply", "write one flat {...} object per line")
            except json.JSONDecodeError as error:
                yield InputError(
                    origin, f"malformed JSON ({error.msg} at column {error.colno})", "fix or remove the line"
                )
