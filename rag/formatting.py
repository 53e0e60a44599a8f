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
    title = escape_markdown(citation.title or citation.doc_id)
    url = safe_url(citation.url)
    linked = f"[{title}]({url})" if url else title
    details = ", ".join(escape_markdown(x) for x in (citation.source, citation.date, citation.place) if x)
    return f"**[{citation.n}]** {linked}" + (f" — {details}" if details else "")


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
