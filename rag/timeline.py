"""Contacts over time: every dated document that names a counterpart or topic, oldest first.

The keyword index finds the documents (every word of the topic in one chunk, so "Serbia energy"
means both); their stored metadata gives date, title, outlet and link. Undated documents cannot
be placed on a time axis and are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.corpus import DocumentRow, row


@dataclass(frozen=True)
class Timeline:
    topic: str
    points: list[DocumentRow]  # dated, oldest first
    undated: int = 0

    def by_month(self) -> dict[str, int]:
        """``{"2024-12": 3, …}``: how many documents each month (the chart's summary line).

        >>> points = [DocumentRow("a", "A", "2024-12-23", "", 1), DocumentRow("b", "B", "2024-12-30", "", 1)]
        >>> Timeline("x", points).by_month()
        {'2024-12': 2}
        """
        months: dict[str, int] = {}
        for point in self.points:
            months[point.date[:7]] = months.get(point.date[:7], 0) + 1
        return months


def timeline(topic: str, store, keyword) -> Timeline:
    """The documents naming ``topic``; an empty topic gives an empty timeline."""
    from rag.keyword import sync

    sync(keyword, store)  # one metadata read when nothing changed; catches up with other processes' ingests
    found = keyword.documents_naming(topic) if topic.strip() else set()
    rows = [row(doc_id, meta) for doc_id, meta in store.document_metadatas() if doc_id in found]
    dated = sorted((r for r in rows if r.date), key=lambda r: (r.date, r.title))
    return Timeline(topic.strip(), dated, undated=len(rows) - len(dated))
