"""A briefing note as Markdown, DOCX or PDF — all three from the one editable template.

The note is rendered with ``prompts/briefing_note.md.j2``; DOCX and PDF are then built from that
Markdown's blocks (headings, bullets, tables, paragraphs, quotes), so a ministry that edits the
template changes every format at once.

>>> [b.kind for b in blocks("# T\\n\\nText.\\n\\n- a \\\\[1\\\\]\\n\\n| A | B |\\n|---|---|\\n| 1 | 2 |")]
['heading', 'paragraph', 'bullet', 'table']
>>> plain("a \\\\[1\\\\] &lt;b&gt;")
'a [1] <b>'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.prompts import render

FORMATS = ("md", "docx", "pdf")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-!|>~$.])")
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def note_markdown(note) -> str:
    return render("briefing_note.md.j2", note=note) + "\n"


def plain(markdown: str) -> str:
    """Markdown escapes and HTML entities undone: the text as a reader should see it."""
    return html.unescape(_UNESCAPE.sub(r"\1", markdown))


@dataclass
class Block:
    kind: str  # heading | paragraph | bullet | table | quote
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)
    bold: bool = False


def blocks(markdown: str) -> list[Block]:
    out: list[Block] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            out.append(Block("heading", plain(stripped[level:].strip()), level))
        elif stripped.startswith("|"):
            cells = [plain(c.strip()) for c in re.split(r"(?<!\\)\|", stripped.strip("|"))]
            if set("".join(cells)) <= set("-: "):
                continue  # the header separator
            if not out or out[-1].kind != "table":
                out.append(Block("table"))
            out[-1].rows.append(cells)
        elif stripped.startswith("- "):
            out.append(Block("bullet", plain(stripped[2:])))
        elif stripped.startswith(">"):
            out.append(Block("quote", plain(stripped.lstrip("> "))))
        else:
            bold = stripped.startswith("**") and stripped.endswith("**")
            out.append(Block("paragraph", plain(stripped.strip("*") if bold else stripped), bold=bold))
    return out


def write_docx(markdown: str, path: Path) -> None:
    from docx import Document

    document = Document()
    for block in blocks(markdown):
        if block.kind == "heading":
            document.add_heading(block.text, level=min(block.level - 1, 3) if block.level > 1 else 0)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "quote":
            document.add_paragraph(block.text, style="Intense Quote")
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]), style="Table Grid")
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row[: len(block.rows[0])]):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph().add_run(block.text).bold = block.bold
    document.save(str(path))


def _font(pdf) -> str:
    """A Unicode TrueType font when the system has one (names like Vučić), else core Helvetica."""
    for candidate in FONT_PATHS:
        if Path(candidate).exists():
            pdf.add_font("Body", "", candidate)
            return "Body"
    return "Helvetica"


def _latin(text: str, font: str) -> str:
    if font != "Helvetica":
        return text
    from rag.lexical import ascii_text

    return ascii_text(text).encode("latin-1", "replace").decode("latin-1")


def write_pdf(markdown: str, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    font = _font(pdf)
    sizes = {1: 16, 2: 13, 3: 11}
    for block in blocks(markdown):
        text = _latin(block.text, font)
        if block.kind == "heading":
            pdf.set_font(font, size=sizes.get(block.level, 11))
            pdf.ln(2)
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "table":
            pdf.set_font(font, size=8)
            widths = (18, 40, 18, 30, 10)[: len(block.rows[0])]
            with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=False) as table:
                for row in block.rows:
                    cells = table.row()
                    for cell in row[: len(block.rows[0])]:
                        cells.cell(_latin(cell, font))
        else:
            pdf.set_font(font, size=10)
            prefix = "• " if block.kind == "bullet" and font != "Helvetica" else "- " if block.kind == "bullet" else ""
            pdf.multi_cell(0, 5.5, prefix + text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    pdf.output(str(path))


def export(note, fmt: str, path: Path) -> Path:
    """Write ``note`` as ``fmt`` (md, docx or pdf) to ``path``."""
    if fmt not in FORMATS:
        raise ValueError(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    markdown = note_markdown(note)
    path = Path(path)
    if fmt == "md":
        path.write_text(markdown, encoding="utf-8")
    elif fmt == "docx":
        write_docx(markdown, path)
    else:
        write_pdf(markdown, path)
    return path
