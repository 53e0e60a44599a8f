"""PDF and Word documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from rag.documents import Document, InputError
from rag.loaders.common import finish, path_id
from rag.metadata import parse_date, split_header


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text.replace("\r", ""))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def load_pdf(path: Path) -> Iterator[Document]:
    """A text PDF (scanned pages without a text layer are refused: OCR them first)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = _tidy("\n\n".join(page.extract_text() or "" for page in reader.pages))
    if not text:
        raise InputError(str(path), "has no text layer (a scan?)", "run OCR on it or export the text")
    info = reader.metadata or {}
    published, text = split_header(text)
    created = info.get("/CreationDate", "")
    if published is None and isinstance(created, str) and created.startswith("D:") and len(created) >= 10:
        published = parse_date(f"{created[2:6]}-{created[6:8]}-{created[8:10]}")
    title = str(info.get("/Title") or "").strip()
    yield finish(Document(doc_id=path_id(path), text=text, title=title, published=published, origin=str(path)))


def load_docx(path: Path) -> Iterator[Document]:
    """A ``.docx`` file: its paragraphs, title and creation date from the document properties."""
    import docx

    document = docx.Document(str(path))
    text = _tidy("\n\n".join(p.text for p in document.paragraphs if p.text.strip()))
    published, text = split_header(text)
    props = document.core_properties
    if published is None and props.created:
        published = props.created.date()
    yield finish(
        Document(
            doc_id=path_id(path),
            text=text,
            title=(props.title or "").strip(),
            published=published,
            origin=str(path),
        )
    )
