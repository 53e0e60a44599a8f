"""Uploads: any name and any bytes a browser sends end up as one checked file in the uploads folder."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from rag.documents import Document, InputError
from rag.loaders import load_file
from rag.uploads import save_upload

ARTICLE = b"Ministers met in Belgrade on May 5, 2024 to discuss gas supplies."


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "corpus" / "uploads"


@pytest.mark.parametrize(
    ("name", "saved_as"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/cron.d/job.txt", "job.txt"),
        ("..\\..\\Windows\\win.txt", "win.txt"),
        ("C:\\Users\\me\\Desktop\\Notes.TXT", "Notes.txt"),
        ("C:notes.txt", "notes.txt"),
        ("a\x00b\x1b[31m.txt", "ab_31m.txt"),
        ("evil\u202etxt.md", "eviltxt.md"),
        ("ｆｕｌｌ／..／wide.txt", "wide.txt"),
        ("CON.txt", "_CON.txt"),
        ("lpt1.md", "_lpt1.md"),
        ("  .hidden.txt. ", "hidden.txt"),
        ("../", None),
    ],
)
def test_names_become_one_plain_file_in_the_folder(folder, name, saved_as):
    if saved_as is None:
        with pytest.raises(InputError, match="not accepted"):
            save_upload(name, ARTICLE, folder)
        return
    saved = save_upload(name, ARTICLE, folder)
    assert saved.path.parent == folder and saved.path.name == saved_as
    assert saved.path.resolve().is_relative_to(folder.resolve())
    assert saved.path.read_bytes() == ARTICLE
    assert [p.name for p in folder.parent.parent.rglob("*") if p.is_file()] == [saved_as]


@pytest.mark.parametrize("name", ["tool.exe", "macro.doc", "page.js", "README", "report.pdf.exe", "x.jsonl.sh"])
def test_only_article_types_are_accepted(folder, name):
    with pytest.raises(InputError) as caught:
        save_upload(name, ARTICLE, folder)
    message = str(caught.value)
    assert name in message and ".txt, .md, .html, .htm, .pdf, .docx, .jsonl" in message
    assert not folder.exists() or not any(folder.iterdir())


def docx_bytes(text: str = "Talks in Vienna.") -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("scan.pdf", b"just text pretending", "not a PDF"),
        ("doc.pdf", b"MZ\x90\x00 a windows program", "is a program"),
        ("note.txt", b"MZ\x90\x00\x03\x00\x00\x00", "is a program"),
        ("note.md", b"\x7fELF\x02\x01\x01", "is a program"),
        ("run.html", b"#!/bin/sh\nrm -rf ~\n", "is a program"),
        ("note.txt", b"text\x00with\x00nuls", "binary data"),
        ("note.txt", bytes(range(0x80, 0xA0)) * 4, "not valid UTF-8"),
        ("feed.jsonl", '{"text": "Belgrade café"}'.encode("cp1252"), "not UTF-8"),
        ("letter.docx", b"PK\x03\x04 not really a zip", "not a Word document"),
        ("letter.docx", zip_bytes({"xl/workbook.xml": b"<x/>"}), "not a Word document"),
        ("bomb.docx", zip_bytes({"word/document.xml": b"<x/>", "word/big.bin": bytes(6 * 1024 * 1024)}), "zip bomb"),
        ("empty.txt", b"  \n ", "is empty"),
    ],
)
def test_content_must_be_what_the_extension_says(folder, name, data, problem):
    with pytest.raises(InputError) as caught:
        save_upload(name, data, folder, max_file_mb=0.5)
    assert problem in str(caught.value) and name in str(caught.value) and caught.value.fix


def test_real_documents_of_each_type_are_saved_and_load(folder):
    files = {
        "a.txt": ARTICLE,
        "b.md": b"# Talks\n\n" + ARTICLE,
        "c.html": b"<html><body><article><p>" + ARTICLE + b"</p></article></body></html>",
        "d.jsonl": b'{"url": "https://example.org/1", "text": "Talks in Oslo."}\n',
        "e.docx": docx_bytes(),
        "f.txt": "Переговоры в Белграде о поставках газа.".encode("cp1251"),
    }
    for name, data in files.items():
        saved = save_upload(name, data, folder)
        assert saved.path.name == name and not saved.already_there
        assert all(isinstance(item, Document) for item in load_file(saved.path)), name
    assert save_upload("g.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", folder).path.name == "g.pdf"


def test_the_size_cap_applies(folder):
    with pytest.raises(InputError) as caught:
        save_upload("big.txt", b"word " * 220_000, folder, max_file_mb=1)
    assert "over the 1 MB cap" in str(caught.value) and "RAG_MAX_FILE_MB" in caught.value.fix
    assert save_upload("big.txt", b"word " * 200_000, folder, max_file_mb=1).path.exists()


def test_an_existing_different_file_is_never_overwritten(folder):
    first = save_upload("talks.txt", b"First version.", folder)
    second = save_upload("talks.txt", b"Second version.", folder)
    again = save_upload("talks.txt", b"First version.", folder)
    assert [first.path.name, second.path.name] == ["talks.txt", "talks-1.txt"]
    assert first.path.read_bytes() == b"First version." and second.path.read_bytes() == b"Second version."
    assert again.already_there and again.path == first.path
    assert save_upload("talks.txt", b"Second version.", folder).path == second.path
    assert sorted(p.name for p in folder.iterdir()) == ["talks-1.txt", "talks.txt"]  # no temp files left


def test_a_symlink_in_the_folder_is_not_followed(folder, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"Keep me.")
    folder.mkdir(parents=True)
    (folder / "notes.txt").symlink_to(outside)
    saved = save_upload("notes.txt", ARTICLE, folder)
    assert saved.path.name == "notes-1.txt" and outside.read_bytes() == b"Keep me."
