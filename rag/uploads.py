"""Files uploaded through the UI, saved into the corpus safely before they are ingested.

A browser sends a name and bytes, and both are the uploader's choice. So the name is reduced to
one plain file name (no folders, drive letters, control characters or reserved device names),
only the article types the loaders read are accepted, the content must be what the extension
says (a ``.pdf`` starts with ``%PDF-``, a ``.docx`` is a Word zip, text is text, nothing is an
executable), the size cap applies, and an existing different file is never overwritten.

>>> safe_name("../../etc/passwd.txt"), safe_name("C:\\\\Users\\\\me\\\\Notes.MD"), safe_name("CON.txt")
('passwd.txt', 'Notes.md', '_CON.txt')
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rag.documents import InputError

ALLOWED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".jsonl")
TEXT_TYPES = (".txt", ".md", ".html", ".htm", ".jsonl")
UPLOADS = Path("corpus") / "uploads"
# Windows device names: "CON.txt" cannot be opened as a file there, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\x00asm")
_UNSAFE = re.compile(r"[^\w\-. ()]")
MAX_UNZIPPED = 10  # a .docx may unpack to at most this many times the size cap (zip bombs)


@dataclass(frozen=True)
class SavedUpload:
    path: Path
    already_there: bool  # the same bytes were uploaded before: nothing was written


def safe_name(name: str) -> str:
    """One plain file name from whatever the browser sent (the extension is lower-cased)."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # NUL, controls, bidi overrides
    name = re.sub(r"^[A-Za-z]:", "", name.rsplit("/", 1)[-1])  # "C:notes.txt"
    stem, dot, suffix = name.strip(" .").rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = _UNSAFE.sub("_", stem).strip(" .")[:100] or "upload"
    if stem.split(".")[0].lower() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem}.{_UNSAFE.sub('_', suffix).lower()}" if suffix else stem


def shown(name: str) -> str:
    """The uploaded name as it can be shown in a message (no control characters, bounded)."""
    return "".join(ch if ch.isprintable() else "?" for ch in name)[:120]


def check_content(name: str, data: bytes, max_bytes: int) -> None:
    """Refuse what is empty, too large, or not what its extension says."""
    where, suffix = f"upload '{shown(name)}'", Path(safe_name(name)).suffix
    if suffix not in ALLOWED:
        raise InputError(where, f"files of type '{suffix or 'none'}' are not accepted", f"upload {', '.join(ALLOWED)}")
    if not data.strip():
        raise InputError(where, "is empty", "upload the file with the article in it")
    if len(data) > max_bytes:
        size, cap = len(data) / 1048576, max_bytes / 1048576
        raise InputError(where, f"is {size:.1f} MB, over the {cap:g} MB cap", "split it, or raise RAG_MAX_FILE_MB")
    if data.startswith(_EXECUTABLES):
        raise InputError(where, "is a program, not a document", "upload the article itself")
    if suffix == ".pdf" and not data.startswith(b"%PDF-"):
        raise InputError(where, "is not a PDF (it does not start with %PDF-)", "export the document as PDF again")
    if suffix == ".docx":
        check_docx(where, data, max_bytes)
    if suffix in TEXT_TYPES:
        check_text(where, suffix, data)


def check_docx(where: str, data: bytes, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        entries = None
    if not entries or "word/document.xml" not in {e.filename for e in entries}:
        raise InputError(where, "is not a Word document (.docx)", "save it from Word as .docx (not .doc)")
    if sum(e.file_size for e in entries) > MAX_UNZIPPED * max_bytes:
        raise InputError(where, "unpacks to far more than its size (a zip bomb?)", "save it from Word again")


def check_text(where: str, suffix: str, data: bytes) -> None:
    """Text types must decode as text (UTF-8, or a detected legacy encoding; JSONL only UTF-8)."""
    from rag.loaders.common import decode

    if b"\x00" in data:
        raise InputError(where, "contains binary data, not text", "export it as .txt, .pdf or .docx")
    if suffix == ".jsonl":
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(where, "is not UTF-8 (JSON lines must be)", "re-save it as UTF-8") from None
        return
    decode(data, where)


def save_upload(name: str, data: bytes, folder: Path = UPLOADS, max_file_mb: float = 50) -> SavedUpload:
    """Check an uploaded file and save it into ``folder`` under a safe, unused name.

    Raises :class:`InputError` naming the file and what to do. The same bytes under the same
    name are not written twice; different bytes get ``name-1.ext``, ``name-2.ext``, …
    """
    check_content(name, data, int(max_file_mb * 1024 * 1024))
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = os.path.splitext(safe_name(name))
    for number in range(1000):
        target = folder / (f"{stem}-{number}{suffix}" if number else f"{stem}{suffix}")
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            return SavedUpload(target, already_there=True)
        if not os.path.lexists(target) and _create(target, data):
            return SavedUpload(target, already_there=False)
    raise InputError(f"upload '{shown(name)}'", "has 1000 different versions already", "rename the file")


def _create(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` only if nothing is there (atomic: a hidden temp file, then a hard link)."""
    handle, temp = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.link(temp, target)  # fails if the name was taken meanwhile: never overwrites
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(temp)
