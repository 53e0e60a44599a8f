"""Turning answers and sources into safe Markdown (used by the UI and exports; no Streamlit).

Source text is data: it is escaped so a planted link, image or HTML tag in an article is shown
as text, never rendered, and only http(s) links are ever made clickable.

>>> escape_markdown("*bold* [x](javascript:alert(1)) <b>")
'\\\\*bold\\\\* \\\\[x\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\) &lt;b&gt;'
>>> safe_url("javascript:alert(1)"), safe_url("https://www.state.gov/x/")
('', 'https://www.state.gov/x/')
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|>~$])")


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def safe_url(url: str) -> str:
    """The url if it is http(s) with a host, else '' (no javascript:, data:, file: links)."""
    parsed = urlparse((url or "").strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else ""


def citation_heading(citation) -> str:
    """``[1] Title — Outlet, 2024-12-23, Place`` with the title linked when it has a safe url."""
    heading = document_heading(
        citation.title or citation.doc_id, citation.url, citation.source, citation.date, citation.place
    )
    return f"**[{citation.n}]** {heading}"


def opening_words(text: str, limit: int = 300) -> str:
    """A document's first words, whole words up to ``limit`` characters, for a card without a quote.

    >>> opening_words("Secretary Blinken spoke today with Foreign Minister Kuleba.  They discussed grain.", 40)
    'Secretary Blinken spoke today with …'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def document_heading(title: str, url: str, *details: str) -> str:
    """``Title — Outlet, 2024-12-23`` escaped, the title linked when the url is http(s).

    >>> document_heading("A *call*", "javascript:x", "Trend", "", "Baku")
    'A \\\\*call\\\\* — Trend, Baku'
    """
    linked = f"[{escape_markdown(title)}]({safe_url(url)})" if safe_url(url) else escape_markdown(title)
    shown = ", ".join(escape_markdown(x) for x in details if x)
    return linked + (f" — {shown}" if shown else "")


UNVERIFIED_MARK = "⚠️ *unverified:*"


def answer_text_markdown(text: str) -> str:
    """An answer's text escaped line by line, keeping its "- " bullets as a list and showing the
    verifier's "(unverified)" prefix as a visible warning mark.

    >>> answer_text_markdown("- (unverified) A claim [1].")
    '- ⚠️ *unverified:* A claim \\\\[1\\\\].'
    """
    lines = []
    for line in text.splitlines():
        bullet = line.startswith("- ")
        escaped = escape_markdown(line[2:] if bullet else line).replace(r"\(unverified\)", UNVERIFIED_MARK)
        lines.append(("- " if bullet else "") + escaped)
    return "\n".join(lines)


def verification_summary(checks) -> str:
    """``Verifier: 3 supported · 1 moved to the right source · 1 removed`` (empty when nothing was checked)."""
    labels = {
        "supported": "supported",
        "corrected": "moved to the right source",
        "cited": "given a source",
        "unverified": "marked unverified",
        "removed": "removed",
    }
    counts = {label: sum(c.status == status for c in checks) for status, label in labels.items()}
    parts = [f"{n} {label}" for label, n in counts.items() if n]
    return ("Verifier: " + " · ".join(parts) + " (sentences checked against their sources)") if parts else ""


def quote_block(text: str) -> str:
    return "\n".join("> " + escape_markdown(line) for line in text.splitlines() if line.strip())


def answer_markdown(answer) -> str:
    """The whole answer with its numbered sources, as Markdown (for copy/download)."""
    parts = [answer_text_markdown(answer.answer), ""]
    if answer.citations:
        parts.append("**Sources**")
        for citation in answer.citations:
            parts += ["", citation_heading(citation), quote_block(citation.quote)]
    parts += ["", f"_Answered by: {answer.backend}{' · as of ' + answer.as_of if answer.as_of else ''}_"]
    summary = verification_summary(answer.checks)
    if summary:
        parts += ["", f"_{summary}_"]
    return "\n".join(parts)


HIGHLIGHT = ":orange-background[{}]"


def highlighted(text: str, start: int, end: int) -> str:
    """``text`` as escaped Markdown with ``text[start:end]`` highlighted, paragraph breaks kept.

    Each line of the quote is highlighted on its own (a highlight cannot span paragraphs).

    >>> highlighted("Before. The *quote*. After.", 8, 20)
    'Before. :orange-background[The \\\\*quote\\\\*.] After.'
    """
    quote = "\n".join(
        HIGHLIGHT.format(escape_markdown(line)) if line.strip() else line for line in text[start:end].split("\n")
    )
    return _paragraphs(escape_markdown(text[:start]) + quote + escape_markdown(text[end:]))


def _paragraphs(markdown: str) -> str:
    """Blank lines between paragraphs (single newlines would join lines in Markdown)."""
    return "\n\n".join(line.strip() for line in markdown.splitlines() if line.strip())


def context_span(text: str, start: int, end: int, sentences: int = 1) -> tuple[int, int]:
    """The quote widened by ``sentences`` whole sentences on each side (for a source card).

    >>> context_span("One. Two. Three. Four.", 5, 9)
    (0, 16)
    """
    from rag.text import sentence_spans

    spans = sentence_spans(text)
    first = next((i for i, (_, e) in enumerate(spans) if e > start), 0)
    last = next((i for i in range(len(spans) - 1, -1, -1) if spans[i][0] < end), len(spans) - 1)
    if not spans:
        return start, end
    lo, hi = max(0, first - sentences), min(len(spans) - 1, last + sentences)
    return min(start, spans[lo][0]), max(end, spans[hi][1])


def quote_in_context(text: str, start: int, end: int, sentences: int = 1) -> str:
    """The highlighted quote with a sentence before and after, marked "…" where the article goes on.

    >>> quote_in_context("One. Two. Three. Four.", 5, 9)
    'One. :orange-background[Two.] Three. …'
    """
    if not (0 <= start < end <= len(text)):
        return ""
    lo, hi = context_span(text, start, end, sentences)
    body = highlighted(text[lo:hi], start - lo, end - lo)
    return ("… " if lo > 0 else "") + body + (" …" if text[hi:].strip() else "")
