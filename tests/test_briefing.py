"""Briefing notes: structure, citations, verification, model fallback and exports read back."""

import re
from datetime import date

from conftest import build
from fakes import recording_chat

from rag.assistant import Assistant
from rag.briefing.export import export, note_markdown
from rag.briefing.note import Briefer
from rag.cli import main
from rag.settings import load_settings

AS_OF = "2025-01-10"


def brief(settings_dir, embeddings, topic, chat=None, as_of=AS_OF, **kwargs):
    from datetime import date

    settings = load_settings(data_dir=settings_dir, backend="auto" if chat else "extractive")
    assistant = Assistant(settings, embeddings=embeddings, chat_models={"local": chat} if chat else None)
    return Briefer(assistant).build(topic, as_of=date.fromisoformat(as_of), **kwargs)


def cited_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\\?\[(\d+)\\?\]", text)}


def test_cli_brief_writes_a_structured_cited_note(sample_index, capsys):
    code = main(["brief", "Serbia energy cooperation", "--as-of", AS_OF, "--backend", "extractive",
                 "--data-dir", str(sample_index)])  # fmt: skip
    markdown = capsys.readouterr().out
    assert code == 0
    assert markdown.startswith("# Briefing note: Serbia energy cooperation\n\nAs of 2025-01-10")
    for heading in ("## Bottom line", "## Key points", "## Chronology of contacts", "## Sources"):
        assert heading in markdown
    assert "## Positions" not in markdown and "## Where sources disagree" not in markdown  # nothing behind them
    assert "| 2024-12-23 | Foreign Minister Jeyhun Bayramov; Prime Minister Miloš Vučević | Serbia |" in markdown
    assert "1. Azerbaijani Foreign Minister Jeyhun Bayramov" in markdown and "Trend, 2024-12-23" in markdown
    bullets = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert bullets and all(re.search(r"\\\[1\\\]$", line) for line in bullets)  # every sentence cites [1]


def test_every_extracted_sentence_is_verified_supported(sample_index, embeddings):
    note = brief(sample_index, embeddings, "Serbia energy cooperation")
    assert note.checks and {c.status for c in note.checks} == {"supported"}
    assert "alternative energy" in " ".join(note.key_points + note.bottom_line)


def test_a_model_written_summary_is_checked_and_an_invented_claim_removed(sample_index, embeddings):
    chat = recording_chat(
        "BOTTOM LINE:\nAzerbaijan and Serbia discussed cooperation in the energy sector [1]. "
        "Serbia agreed to buy gas from Qatar [1].\nKEY POINTS:\n"
        "- Both sides noted the importance of producing and exporting alternative energy [1].\n- Fake point [4]."
    )
    note = brief(sample_index, embeddings, "Serbia energy cooperation", chat=chat)
    assert note.backend == "local" and not note.notice
    assert note.bottom_line == ["Azerbaijan and Serbia discussed cooperation in the energy sector [1]."]
    assert note.key_points == ["Both sides noted the importance of producing and exporting alternative energy [1]."]
    removed = [c for c in note.checks if c.status == "removed"]
    assert removed[0].missing == ("qatar",)
    assert removed[1].sentence == "Fake point." and "cites no source" in removed[1].reason  # [4] points nowhere
    system, user = chat.sent[0]
    assert "BOTTOM LINE:" in system.content and "[1] Azerbaijani Foreign Minister" in user.content


def test_a_failing_model_leaves_the_extracted_note_with_a_notice(sample_index, embeddings):
    chat = recording_chat("BOTTOM LINE:\nEnergy was discussed at length [1].", error_on_chunk_number=3)
    note = brief(sample_index, embeddings, "Serbia energy cooperation", chat=chat)
    assert note.backend == "extractive" and "failed" in note.notice
    assert note.bottom_line and note.chronology


def test_an_empty_period_gives_a_notice_and_no_sections(sample_index, capsys):
    code = main(["brief", "Serbia energy", "--since", "2023-01-01", "--until", "2023-02-01", "--as-of", AS_OF,
                 "--backend", "extractive", "--data-dir", str(sample_index)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1 and "No document in the corpus is dated" in captured.err
    assert "## Bottom line" not in captured.out


def test_cli_rejects_docx_without_out_and_reversed_dates(sample_index, capsys):
    assert main(["brief", "Serbia", "--format", "docx", "--data-dir", str(sample_index)]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["brief", "Serbia", "--since", "2024-05-01", "--until", "2024-01-01",
                 "--data-dir", str(sample_index)]) == 2  # fmt: skip
    assert "--since" in capsys.readouterr().err


def test_exports_read_back_with_structure_and_citations(sample_index, embeddings, tmp_path):
    from docx import Document
    from pypdf import PdfReader

    note = brief(sample_index, embeddings, "Serbia energy cooperation")
    markdown = export(note, "md", tmp_path / "note.md").read_text(encoding="utf-8")
    assert markdown == note_markdown(note)

    document = Document(str(export(note, "docx", tmp_path / "note.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Briefing note: Serbia energy cooperation"
    assert {"Bottom line", "Key points", "Chronology of contacts", "Sources"} <= set(headings)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets and all(b.endswith("[1]") for b in bullets)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Date", "Who", "Where", "Topics", "Source"]
    assert table.rows[1].cells[1].text == "Foreign Minister Jeyhun Bayramov; Prime Minister Miloš Vučević"
    assert any("As of 2025-01-10" in p.text for p in document.paragraphs)

    text = " ".join(page.extract_text() for page in PdfReader(str(export(note, "pdf", tmp_path / "note.pdf"))).pages)
    flat = " ".join(text.split())
    for expected in ("Briefing note: Serbia energy cooperation", "As of 2025-01-10", "Bottom line", "Sources", "[1]"):
        assert expected in flat
    assert "Vučević" in flat or "Vucevic" in flat


def test_chronology_lists_each_contact_in_date_order(mixed_index, embeddings):
    settings, _, _ = mixed_index
    note = brief(settings.data_dir, embeddings, "King Abdullah II of Jordan", as_of="2025-12-31")
    rows = [(r.date, r.who) for r in note.chronology if "Abdullah" in r.who]
    assert [d for d, _ in rows] == [
        "2025-01-25",
        "2025-02-11",
    ]  # the call; the meeting "yesterday" in a readout of the 12th
    assert all("King Abdullah II of Jordan" in who and "Trump" in who for _, who in rows)
    assert [r.date for r in note.chronology] == sorted(r.date for r in note.chronology)
    assert [s.n for s in note.sources] == list(range(1, len(note.sources) + 1))


def test_two_reports_of_one_meeting_with_different_days_are_flagged(settings, embeddings, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    opening = "Foreign Minister Jeyhun Bayramov met with Prime Minister Miloš Vučević in Belgrade"
    (corpus / "a.txt").write_text(f" date 2024-12-23 On December 23, {opening}. They discussed energy exports.")
    (corpus / "b.txt").write_text(f" date 2024-12-24 On December 22, {opening}. Energy exports were discussed.")
    assistant = build(settings, embeddings, [corpus])
    from datetime import date

    note = Briefer(assistant).build("Bayramov Vučević energy", as_of=date(2025, 1, 1), backend="extractive")
    assert note.disagreements == [
        "Sources differ on the day of this meeting: [1] says December 23, [2] says December 22."
    ]
    assert cited_numbers(" ".join(note.disagreements)) == {1, 2}
    assert "## Where sources disagree" in note_markdown(note)


def test_a_record_needs_two_sides_and_keeps_titles_and_diacritics():
    from rag.briefing.records import read_record

    briefing = read_record("Department Press Briefing – July 21, 2022", "MR PRICE: The Secretary had a call today.")
    assert briefing.kind == "" and briefing.participants == []
    call = read_record(
        "Readout of President Donald J. Trump’s Call with King Abdullah II of Jordan",
        "President Donald J. Trump spoke with His Majesty King Abdullah II of Jordan today. "
        "They discussed security in Gaza and Crown Prince Mohammed bin Salman's visit.",
    )
    assert call.kind == "call" and call.participants[:2] == ["President Donald J. Trump", "King Abdullah II of Jordan"]
    assert call.topics == ["security", "Gaza"]


def test_two_reports_of_one_meeting_naming_different_people_are_flagged(settings, embeddings, tmp_path):
    from datetime import date

    corpus = tmp_path / "c"
    corpus.mkdir()
    opening = "Foreign Minister Jeyhun Bayramov met with Prime Minister Miloš Vučević in Belgrade"
    (corpus / "a.txt").write_text(f" date 2024-12-30 {opening}. They discussed energy exports.")
    (corpus / "b.txt").write_text(
        f" date 2025-01-02 {opening} and President Aleksandar Vučić. Energy exports were discussed."
    )
    note = Briefer(build(settings, embeddings, [corpus])).build(
        "Bayramov Vučević energy", as_of=date(2025, 1, 10), backend="extractive"
    )
    assert note.disagreements == [
        "Sources differ on who took part in this meeting: [1] names Bayramov, Vučević; "
        "[2] also names President Aleksandar Vučić."
    ]


def test_a_record_lists_who_took_part_not_who_is_mentioned():
    from rag.briefing.records import read_record

    meeting = read_record(
        "Vice President Harris's Meeting with President Marcos of the Philippines",
        "Vice President Kamala Harris met with President Ferdinand Marcos Jr. of the Philippines yesterday at "
        "the Vice President's Residence to reaffirm President Biden's commitment. Prime Minister Kishida was "
        "mentioned in their discussion of trilateral cooperation in Manila.",
        date(2023, 5, 2),
    )
    assert [p.split()[-1] for p in meeting.participants] == ["Harris", "Philippines"]
    assert meeting.day == date(2023, 5, 1) and meeting.place == ""


def test_announcements_and_title_case_headlines_are_not_contacts_or_names():
    from rag.briefing.records import participants, read_record

    trip = read_record(
        "Deputy Secretary Sherman's Travel to Indonesia",
        "Deputy Secretary of State Wendy Sherman will travel to Jakarta, where she will meet Foreign Minister "
        "Retno Marsudi.",
    )
    assert trip.kind == ""
    assert participants("Secretary Blinken And Kenyan Cabinet Secretary Omamo Before Their Meeting") == [
        "Secretary Blinken",
        "Cabinet Secretary Omamo",
    ]
    assert participants("Deputy Assistant Secretary Robin Dunnigan met Foreign Minister al-Sudani.") == [
        "Deputy Assistant Secretary Robin Dunnigan",
        "Foreign Minister al-Sudani",
    ]
