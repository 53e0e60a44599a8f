"""What the sidebar narrows retrieval to: a date range, outlets, counterparts a document names.

Filters become two things retrieval already understands: a period (intersected with the one the
question names, so "in March 2022" inside a 2022 filter still means March) and the set of
documents allowed (``None`` when nothing restricts them).

>>> question = DateScope(date(2022, 3, 1), date(2022, 3, 31), phrase="in March 2022")
>>> Filters(since=date(2022, 3, 15)).narrow(question).range()
(datetime.date(2022, 3, 15), datetime.date(2022, 3, 31))
>>> Filters(outlets=("Trend",), counterparts=("Serbia",)).label
'outlets: Trend; naming: Serbia'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rag.dates import DateScope


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    outlets: tuple[str, ...] = ()
    counterparts: tuple[str, ...] = ()  # a document must name at least one of them

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.outlets or self.counterparts)

    @property
    def label(self) -> str:
        parts = []
        if self.since or self.until:
            parts.append(f"dated {self.since or '…'} to {self.until or '…'}")
        if self.outlets:
            parts.append("outlets: " + ", ".join(self.outlets))
        if self.counterparts:
            parts.append("naming: " + ", ".join(self.counterparts))
        return "; ".join(parts)

    def narrow(self, scope: DateScope) -> DateScope:
        """The question's period within the filter's date range (may be empty: since > until)."""
        if not (self.since or self.until):
            return scope
        since = max(d for d in (scope.since, self.since) if d) if (scope.since or self.since) else None
        until = min(d for d in (scope.until, self.until) if d) if (scope.until or self.until) else None
        phrase = " and ".join(p for p in (scope.phrase, f"within {self.since or '…'} to {self.until or '…'}") if p)
        return DateScope(since, until, scope.latest, phrase)


def allowed_documents(filters: Filters | None, store, keyword) -> frozenset[str] | None:
    """Ids of the documents the outlet and counterpart filters let through; ``None``: no restriction."""
    if filters is None or not (filters.outlets or filters.counterparts):
        return None
    allowed: set[str] | None = None
    if filters.outlets:
        wanted = {o.casefold() for o in filters.outlets}
        allowed = {i for i, meta in store.document_metadatas() if str(meta.get("source", "")).casefold() in wanted}
    if filters.counterparts:
        from rag.keyword import sync

        sync(keyword, store)  # cheap when nothing changed since the last search
        naming = set().union(*(keyword.documents_naming(name) for name in filters.counterparts))
        allowed = naming if allowed is None else allowed & naming
    return frozenset(allowed)
