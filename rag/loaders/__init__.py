"""Loaders turn files into :class:`rag.documents.Document` records, one seam per file type.

``iter_documents(paths)`` walks files and folders and yields documents *and* input errors,
so one bad file (or one bad line of a collection) never stops the rest of a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rag.documents import Document, InputError
from rag.loaders.common import check_size
from rag.loaders.jsonl import FieldMap, load_jsonl
from rag.loaders.office import load_docx, load_pdf
from rag.loaders.text import load_html, load_text

Loader = Callable[[Path], Iterator[Document | InputError]]

LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".md": load_text,
    ".markdown": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
SUPPORTED = sorted([*LOADERS, ".jsonl"])


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in SUPPORTED and not child.name.startswith("."):
                yield child
    else:
        yield path


def load_file(
    path: Path, field_map: FieldMap | None = None, max_bytes: int | None = None
) -> Iterator[Document | InputError]:
    """Documents (or errors) from one file, chosen by its extension. A single-document file over
    ``max_bytes`` is refused before it is read (collections are read line by line)."""
    suffix = path.suffix.lower()
    if not path.exists():
        yield InputError(str(path), "no such file or folder", "check the path")
        return
    if suffix == ".jsonl":
        yield from load_jsonl(path, field_map)
        return
    loader = LOADERS.get(suffix)
    if loader is None:
        yield InputError(str(path), f"unsupported file type '{suffix}'", f"use one of {', '.join(SUPPORTED)}")
        return
    try:
        check_size(path, max_bytes)
        yield from loader(path)
    except InputError as error:
        yield error
    except Exception as error:  # a parser library failing on a broken file
        yield InputError(str(path), f"could not be read ({type(error).__name__}: {error})", "check the file")


def iter_documents(
    paths: Iterable[Path | str], field_map: FieldMap | None = None, max_bytes: int | None = None
) -> Iterator[Document | InputError]:
    """Every document under ``paths`` (files or folders, recursively), in a stable order."""
    for path in paths:
        for file in _files(Path(path)):
            yield from load_file(file, field_map, max_bytes)
