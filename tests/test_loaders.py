"""Loaders: each file type gives the article text and the metadata citations show."""

import json
from datetime import date

import pytest
from conftest import SAMPLE, shared_file

from rag.documents import Document, InputError
from rag.loaders import iter_documents, load_file
from rag.loaders.jsonl import FieldMap


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_sample_article_metadata():
    doc = only(load_file(SAMPLE))
    assert isinstance(doc, Document)
    assert doc.published == date(2024, 12, 23) and doc.event_date == date(2024, 12, 23)
    assert doc.source == "Trend"
    assert doc.place == "Baku, Azerbaijan"
    assert doc.title.startswith("Azerbaijani Foreign Minister Jeyhun Bayramov met with Serbian Prime Minister")
    assert doc.text.startswith("BAKU, Azerbaijan, December 23.Azerbaijani")  # header removed, text verbatim
    assert doc.doc_id.endswith("2024-12-23-trend-azerbaijan-serbia.txt")


def test_markdown_title(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# Talks in Belgrade\n\nThe ministers discussed gas supplies on March 3, 2024.\n", encoding="utf-8")
    doc = only(load_file(path))
    assert doc.title == "Talks in Belgrade"
    assert doc.event_date == date(2024, 3, 3)


def test_html_keeps_article_text_not_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        """<html><head><title>Site</title><meta property="og:title" content="Minister visits Belgrade">
        <meta property="article:published_time" content="2024-05-02T10:00:00Z">
        <link rel="canonical" href="https://news.example/belgrade"></head>
        <body><nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
        <article><h1>Minister visits Belgrade</h1><p>The minister discussed energy security.</p>
        <p>Both sides agreed to meet again.</p></article>
        <footer>Copyright footer text</footer><script>alert('x')</script></body></html>""",
        encoding="utf-8",
    )
    doc = only(load_file(path))
    assert doc.title == "Minister visits Belgrade"
    assert doc.url == doc.doc_id == "https://news.example/belgrade"
    assert doc.published == date(2024, 5, 2)
    assert "The minister discussed energy security." in doc.text
    for noise in ("World news menu", "Copyright footer", "alert"):
        assert noise not in doc.text


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a text layer, written by hand (no PDF writer dependency)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "readout.pdf"
    path.write_bytes(minimal_pdf("The Secretary spoke with the Serbian Foreign Minister about energy."))
    doc = only(load_file(path))
    assert "spoke with the Serbian Foreign Minister about energy" in doc.text


def test_docx_paragraphs_and_properties(tmp_path):
    import docx

    path = tmp_path / "cable.docx"
    document = docx.Document()
    document.core_properties.title = "Cable on Serbia"
    document.add_paragraph("BELGRADE, Serbia, June 4. The delegations discussed the gas interconnector.")
    document.add_paragraph("They agreed to meet in July.")
    document.save(path)
    doc = only(load_file(path))
    assert doc.title == "Cable on Serbia"
    assert doc.place == "Belgrade, Serbia"
    assert "gas interconnector" in doc.text and "meet in July" in doc.text


def test_shared_jsonl_fields():
    path = shared_file("wh_foreign_readouts.jsonl")
    first = json.loads(path.open(encoding="utf-8").readline())
    doc = next(iter(load_file(path)))
    assert doc.doc_id == doc.url == first["url"]
    assert doc.title == first["title"]
    assert doc.published == date.fromisoformat(first["date"])
    assert doc.source == "The White House"
    state = next(iter(load_file(shared_file("state_dept_press_releases.jsonl"))))
    assert state.source == "U.S. Department of State" and state.extra["creator"]


def test_news_articles_name_their_outlet_without_flags(tmp_path):
    news = shared_file("news_foreign_affairs.jsonl")
    first = json.loads(news.open(encoding="utf-8").readline())
    doc = next(iter(load_file(news)))
    assert doc.source == first["source"] and doc.published == date.fromisoformat(first["published"])
    path = tmp_path / "feeds.jsonl"
    rows = [
        {"url": f"https://x.example/{n}", "title": "T", "text": "Text.", key: "Agence"}
        for n, key in enumerate(["outlet", "publisher", "site_name"])
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    assert [d.source for d in load_file(path)] == ["Agence"] * 3


def test_jsonl_field_mapping_and_bad_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {"link": "https://x.example/1", "headline": "A", "body": "Text one.", "pubDate": "2024-01-02"}
                ),
                "{not json",
                json.dumps({"link": "https://x.example/2", "headline": "B", "body": ""}),
                json.dumps({"link": "https://x.example/3", "headline": "C", "body": "Text.", "pubDate": "someday"}),
            ]
        ),
        encoding="utf-8",
    )
    items = list(load_file(path, FieldMap.parse(["text=body", "title=headline", "published=pubDate"])))
    assert isinstance(items[0], Document) and items[0].title == "A" and items[0].published == date(2024, 1, 2)
    errors = [item for item in items if isinstance(item, InputError)]
    assert [e.location for e in errors] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "malformed JSON" in errors[0].problem and "no text" in errors[1].problem and "date" in errors[2].problem


def test_bad_field_mapping_names_the_flag():
    with pytest.raises(InputError, match="--field nonsense"):
        FieldMap.parse(["nonsense"])


def test_problem_files_are_reported_and_the_rest_loaded(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "good.txt").write_text("Ministers met in Vienna on May 5, 2023.", encoding="utf-8")
    (tmp_path / "notes.xyz").write_text("ignored: unsupported files in folders are skipped")
    items = list(iter_documents([tmp_path]))
    docs = [i for i in items if isinstance(i, Document)]
    errors = {str(e.location).split("/")[-1]: e for e in items if isinstance(e, InputError)}
    assert [d.title for d in docs] == ["Ministers met in Vienna on May 5, 2023."]
    assert "empty" in errors["empty.txt"].problem
    assert "binary" in errors["binary.txt"].problem
    unsupported = only(load_file(tmp_path / "notes.xyz"))
    assert isinstance(unsupported, InputError) and ".xyz" in unsupported.problem


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Министр иностранных дел Сербии встретился с коллегой в Белграде, сообщает агентство.", "cp1251"),
        ("Café talks in Paris: the Élysée confirmed the ministers’ meeting on energy security.", "cp1252"),
    ],
)
def test_legacy_encodings_of_regional_outlets_are_decoded(tmp_path, text, encoding):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    assert only(load_file(path)).text == text


def test_undecodable_text_is_refused_with_the_line(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"First line is fine.\nSecond \x81\x8d\x8f\x90\x9d\x98 line.\n")  # undefined in cp125x
    error = only(load_file(path))
    assert isinstance(error, InputError)
    assert error.location == f"{path}:2" and "UTF-8" in error.problem


def test_files_over_the_size_cap_are_refused(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("Ministers met. " * 100_000, encoding="utf-8")
    error = only(load_file(path, max_bytes=1024 * 1024))
    assert isinstance(error, InputError) and "over the 1 MB cap" in error.problem and "RAG_MAX_FILE_MB" in error.fix
    assert isinstance(only(load_file(path, max_bytes=2 * 1024 * 1024)), Document)


def test_future_dates_are_refused(tmp_path):
    path = tmp_path / "future.txt"
    path.write_text(" date 2999-01-01 Ministers will meet.", encoding="utf-8")
    error = only(load_file(path))
    assert isinstance(error, InputError) and "in the future" in error.problem
