"""The answer decision: answer, answer in part, or decline — once, from the evidence.

Retrieval finds documents; this step decides what may be said from them, the same way for
every writer (extractive, local model, OpenAI-compatible server), before any writer runs:

1. **Counterparts** (:func:`gather`). Each retrieved document is read for the question's names
   however spelled (:mod:`rag.search.names`: "Aliev" is "Aliyev", "kenya pres" is the Kenyan
   President), the roles it names without a name ("Armenia's top diplomat" → a foreign
   minister), and whose contact it is ("President Biden's call" must be a document naming Biden
   near the counterpart). A document can support the answer when it names at least half of the
   names and an asked role; together the documents must name every one: a question about Norway
   is not answered from an article about Serbia.
2. **Relevance**. The best sentence of those documents must score at least
   :data:`MIN_RELEVANCE` against the question (0.6 × cosine + 0.4 × its chunk's score + 0.2 ×
   word overlap, :func:`rag.answer.passages.rank_sentences`).
3. **Subject**. A distinctive word of the question's subject (rare in the archive, "lithium":
   :class:`rag.answer.unmentioned.SubjectCheck`) that the documents naming the most of its names
   do not mention in any spelling is reported: when they cover another of its distinctive words,
   or the missing ones are less than :data:`SUBJECT_SHARE` of its subject words, the answer is
   **partial** ("The sources do not mention “X”.", then what they do say); otherwise the
   question is **declined**.

A decline always says why and shows the three closest documents, so the official can rephrase
or check them. The thresholds are calibrated on the development questions
(``eval/dev/``, ``bench/calibrate_decision.py``) and reported on the test questions (docs/evaluation.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.answer.facts import ROLES
from rag.search.names import fold, named_at, named_near, names_in

MIN_COVERAGE = 0.5  # a document names at least this share of the question's names
MIN_RELEVANCE = 0.50  # best sentence score below which nothing answers (calibrated: docs/evaluation.md)
CLOSEST = 3
SUBJECT_SHARE = 0.5  # declined when the missing distinctive words are this share of the subject words (calibrated)


@dataclass(frozen=True)
class DocumentEvidence:
    """What one retrieved document offers the question."""

    doc_id: str
    title: str = ""
    url: str = ""
    source: str = ""
    date: int = 0
    rank: int = 0  # retrieval's order of documents, 0 first
    names: frozenset[str] = frozenset()  # the question's names it names, any spelling
    roles: frozenset[str] = frozenset()  # the roles asked without a name that it names
    acting: bool = True  # names whose contact it is near a counterpart (True when no one is)
    prominent: frozenset[str] = frozenset()  # the names it gives in its title, opening, or more than once
    contacts: frozenset[str] = frozenset()  # contacts it reports with the counterparts: call, meeting, exchange
    opens_with_contact: bool = False  # its title or opening reports the contact asked about (a readout)
    other_contact: bool = False  # its title reports a contact, trip or call with none of the people asked about

    def card(self) -> dict:
        """What a source card shows of a document that was not cited (a closest document)."""
        from rag.documents import date_from_int

        day = date_from_int(self.date)
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "date": day.isoformat() if day else "",
        }


@dataclass
class Decision:
    """Answer, answer in part, or decline; why; and what may be cited."""

    outcome: str  # "answer" | "partial" | "decline"
    reason: str = ""
    documents: frozenset[str] = frozenset()  # documents an answer may cite
    closest: list[dict] = field(default_factory=list)  # the closest documents, for a decline or a partial
    missing: tuple[str, ...] = ()  # subject words the sources do not mention (partial)

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "reason": self.reason, "closest": self.closest, "missing": list(self.missing)}


def gather(query, documents: list[tuple[str, dict]], document_text: Callable[[str], str]) -> list[DocumentEvidence]:
    """Evidence for each retrieved document, given as ``(doc_id, metadata)`` in retrieval order."""
    asked_roles = set(query.roles)
    terms = set(query.names)
    acting = set(query.acting)
    counterparts = (set(query.titled) - acting) or (terms - acting)
    evidence = []
    for rank, (doc_id, meta) in enumerate(documents):
        body = document_text(doc_id)
        text = f"{meta.get('title', '')}\n{body}"
        named = frozenset(names_in(text, terms)) if terms else frozenset()
        folded = " ".join(fold(text).split()) if asked_roles else ""
        roles = frozenset(r for r in asked_roles if _names_role(r, folded))
        in_contact = not acting or (
            acting <= named and (not counterparts or all(named_near(text, p, counterparts & named) for p in acting))
        )
        evidence.append(
            DocumentEvidence(
                doc_id=doc_id,
                title=meta.get("title", ""),
                url=meta.get("url", ""),
                source=meta.get("source", ""),
                date=meta.get("date", 0),
                rank=rank,
                names=named,
                roles=roles,
                acting=in_contact,
                prominent=frozenset(n for n in named if _prominent(text, n)),
                contacts=reported_contacts(text, _anchors(query) & named) if query.contact else frozenset(),
                other_contact=_titled_elsewhere(query, meta.get("title", "")),
                opens_with_contact=bool(query.contact)
                and bool(reported_contacts(f"{meta.get('title', '')}\n{_opening(body)}", _anchors(query) & named)),
            )
        )
    return evidence


OPENING = 1000  # characters: a name in a document's title or first paragraph is what it is about
CONTACT_WINDOW = 250  # characters either side of a counterpart's name where a contact is reported


_TITLE_CONTACT = re.compile(
    r"\b(?:call|calls|meeting|meets|met|visit|visits|travel|travels|trip|spoke|phone|telephone)\b", re.I
)


def _titled_elsewhere(query, title: str) -> bool:
    """Whether a document's title reports a contact (a call, a meeting, a trip) with none of the
    people the question names with a title: the readout of the Secretary's call with Turkey's
    foreign minister is no report of a contact with Turkey's president, whom it mentions.

    >>> from datetime import date
    >>> from rag.search.query import understand
    >>> q = understand("What did Blinken and Turkish President Erdoğan discuss in February 2022?", date(2022, 3, 1))
    >>> _titled_elsewhere(q, "Secretary Blinken's Call with Turkish Foreign Minister Cavusoglu")
    True
    >>> _titled_elsewhere(q, "Secretary Blinken's Call with President Erdogan"), _titled_elsewhere(q, "Joint Statement")
    (False, False)
    """
    titled = (set(query.titled) - set(query.acting)) & set(query.strong_names)
    if not query.contact or not titled or not _TITLE_CONTACT.search(title):
        return False
    return not names_in(title, titled)


def _opening(body: str) -> str:
    """A document's first paragraph, after any header lines."""
    from rag.answer.passages import byline_end

    start = byline_end(body)
    return body[start : start + OPENING // 2]


def _anchors(query) -> set[str]:
    """The names a contact must be reported with: the people named with a title, else the
    question's names other than whose contact it is."""
    strong = set(query.strong_names)
    return (set(query.titled) - set(query.acting)) & strong or (strong - set(query.acting)) or strong


def reported_contacts(text: str, anchors: set[str]) -> frozenset[str]:
    """The kinds of contact ``text`` reports within :data:`CONTACT_WINDOW` of one of ``anchors``:
    "exchange" (discussed, spoke, talks: either kind) and whichever of "call" and "meeting" it
    reports more often there (both when as often): a story of a White House visit that once
    says "call" reports a meeting.

    >>> sorted(reported_contacts("Secretary Blinken spoke by phone with Foreign Minister Kuleba.", {"kuleba"}))
    ['call', 'exchange']
    >>> text = "Obama met Netanyahu; at the meeting, in a call for calm, Netanyahu spoke."
    >>> sorted(reported_contacts(text, {"netanyahu"}))
    ['exchange', 'meeting']
    >>> reported_contacts("Asked about Maduro, the spokesperson declined to comment on Venezuela.", {"maduro"})
    frozenset()
    """
    from rag.search.query import _CALL, _EXCHANGE, _MEETING

    lowered = fold(text)
    counts = {"call": 0, "meeting": 0, "exchange": 0}
    for name in anchors:
        for at in named_at(lowered, name, text):
            window = lowered[max(0, at - CONTACT_WINDOW) : at + CONTACT_WINDOW]
            for kind, pattern in (("call", _CALL), ("meeting", _MEETING), ("exchange", _EXCHANGE)):
                counts[kind] += len(pattern.findall(window))
    kinds = {"exchange"} if counts["exchange"] else set()
    if counts["call"] or counts["meeting"]:
        most = max(counts["call"], counts["meeting"])
        kinds |= {k for k in ("call", "meeting") if counts[k] == most}
    return frozenset(kinds)


def _reports_asked_contact(query, evidence: DocumentEvidence) -> bool:
    """Whether a document reports the contact asked about: a meeting is not a call, and a
    question about what two sides discussed needs a document reporting that they did."""
    if not query.contact or not _anchors(query):
        return True
    if query.contact == "any":
        return bool(evidence.contacts)
    other = "meeting" if query.contact == "call" else "call"
    return query.contact in evidence.contacts or ("exchange" in evidence.contacts and other not in evidence.contacts)


def _prominent(text: str, name: str) -> bool:
    """Whether ``text`` (title and body) names ``name`` early (title or opening) or more than once:
    a document that mentions a counterpart once in passing does not report on them."""
    lowered = fold(text)
    places = named_at(lowered, name, text)
    first = next(places, None)
    return first is not None and (first < OPENING or next(places, None) is not None)


def by_usage(query, texts: list[str], samples: Callable[[str], list[str]] | None = None):
    """The query with the names the documents settle: a word the question capitalises only because
    it opens a sentence ("Besides …", "Trace …") is no name when the documents write it in lower
    case, and a lower-case word of a hasty question ("trump call w erdogan") is a name when they
    only ever capitalise it.

    >>> from datetime import date
    >>> from rag.search.query import understand
    >>> text = "Trump met Erdogan. Besides trade, they discussed Syria; besides, said Trump, with Trump's aides."
    >>> q = by_usage(understand("Besides Ukraine, what did trump and Erdogan discuss?", date(2020, 1, 1)), [text])
    >>> q.strong_names, q.subjects
    (('ukraine', 'erdogan', 'trump'), ())

    ``samples(word)`` gives more texts with the word (chunks of the archive that contain it).
    """
    from dataclasses import replace

    joined = "\n".join(texts)
    if samples is not None:  # and how the archive writes them where these documents do not
        joined += "\n" + "\n".join(t for word in (*query.uncertain, *query.subjects) for t in samples(word))
    uncertain = {n for n in query.uncertain if _capitalised(joined, n) > _lower(joined, n)}
    dropped = set(query.uncertain) - uncertain
    promoted = [w for w in query.subjects if _capitalised(joined, w) and not _lower(joined, w)]
    if promoted:  # "and kristersson?": a counterpart of its own, not the previous question's
        dropped |= set(query.carried_names)
    # "Qin Gang" is not "gang": a last name the documents use as an ordinary word is matched whole
    phrases = {
        n: fold(query.surfaces[n])
        for n in query.names
        if " " in query.surfaces.get(n, "").strip() and " " not in n and _lower(joined, n) > _capitalised(joined, n)
    }
    names = tuple(phrases.get(n, n) for n in query.names if n not in dropped) + tuple(promoted)
    return replace(
        query,
        names=names,
        titled=tuple(phrases.get(n, n) for n in query.titled),
        weak=tuple(phrases.get(n, n) for n in query.weak),
        acting=tuple(phrases.get(n, n) for n in query.acting),
        surfaces={
            **query.surfaces,
            **{phrases[n]: query.surfaces[n] for n in phrases},
            **{w: w.capitalize() for w in promoted},
        },
        uncertain=(),
        subjects=tuple(w for w in query.subjects if w not in promoted),
    )


def _capitalised(text: str, word: str) -> int:
    """Times ``text`` writes ``word`` capitalised where a sentence does not start."""
    import re

    return len(re.findall(rf"(?<![.!?:\n]\s)(?<!^)\b{re.escape(word.capitalize())}\b", text))


def _lower(text: str, word: str) -> int:
    import re

    return len(re.findall(rf"\b{re.escape(word.lower())}\b", text))


def _names_role(role: str, folded: str) -> bool:
    import re

    return re.search(ROLES.get(role, re.escape(role)), folded) is not None


def supporting(query, evidence: list[DocumentEvidence]) -> tuple[list[DocumentEvidence], str]:
    """The documents that can support an answer about the question's counterparts, and, when
    there are none, why (naming what no document names).

    A document supports when it names at least half of the question's names (acronyms, capitals
    and words that may be ordinary aside), one of them prominently (:func:`_prominent`) — one of
    the people the question names with a title, if it does: a readout that mentions President
    Erdoğan along the way is no report of a contact with him —, an asked role, whose contact it
    is, and the contact asked about (:func:`_reports_asked_contact`). Together they name every name, but
    for a question about three or more (":func:`unnamed`").
    """
    terms, roles = set(query.strong_names), set(query.roles)
    titled = (set(query.titled) - set(query.acting)) & terms
    kept = [
        e
        for e in evidence
        if (not terms or len(e.names & terms) >= MIN_COVERAGE * len(terms))
        and (not terms or e.prominent & terms)
        and (not titled or e.prominent & titled)
        and (not roles or e.roles)
        and e.acting
        and _reports_asked_contact(query, e)
        and not e.other_contact
    ]
    if not kept:
        return [], _why_none(query, evidence)
    missing = terms - set().union(*(e.names for e in kept))
    if missing and (missing != unnamed(query, kept)):
        return [], f"no document in scope names {_listed(query, missing)} together with the rest"
    if set().union(*(e.roles for e in kept)) != roles:
        return [], f"no document in scope names the {_listed(query, roles - set().union(*(e.roles for e in kept)))}"
    return kept, ""


def unnamed(query, kept: list[DocumentEvidence]) -> set[str]:
    """The names no supporting document names, when the rest can still be answered: a question
    about three or more people and places ("the Secretary's call and Jake Sullivan's call with
    Moldova's President") whose documents name all but a third of them, none of them someone it
    names with a title nor what it asks about ("… about Eurovision"). The answer is then
    partial, saying whom the sources do not mention."""
    terms = set(query.strong_names)
    missing = terms - set().union(*(e.names for e in kept)) if kept else terms
    essential = (set(query.titled) - set(query.acting)) | set(query.topics)
    if len(terms) >= 3 and len(missing) <= len(terms) / 3 and not missing & essential:
        return missing
    return set()


def _why_none(query, evidence: list[DocumentEvidence]) -> str:
    if not evidence:
        return "no document in scope matches it"
    terms = set(query.strong_names)
    named = set().union(*(e.names for e in evidence))
    if terms - named:
        return f"no document in scope names {_listed(query, terms - named)}"
    if query.acting and not any(e.acting for e in evidence):
        who = _listed(query, set(query.acting))
        return f"no document in scope reports a contact of {who} with {_listed(query, terms - set(query.acting))}"
    titled = set(query.titled) - set(query.acting)
    if titled and not any(e.names & titled for e in evidence):
        return f"no document in scope names {_listed(query, titled)}"
    if query.roles and not any(e.roles for e in evidence):
        return f"no document in scope names the {_listed(query, set(query.roles))}"
    if terms and not any(e.prominent & terms for e in evidence):
        return f"the documents in scope mention {_listed(query, terms)} only in passing"
    if query.contact and not any(_reports_asked_contact(query, e) for e in evidence):
        asked = {"call": "a call", "meeting": "a meeting", "any": "a contact"}[query.contact]
        return f"no document in scope reports {asked} with {_listed(query, _anchors(query))}"
    return f"no document in scope names {_listed(query, terms)} together"


def _listed(query, keys: set[str]) -> str:
    shown = [query.surfaces.get(k, k) for k in sorted(keys)]
    return " or ".join(f"“{s}”" for s in shown) if shown else "them"


def decide(query, evidence: list[DocumentEvidence], best_scores: dict[str, float], subjects) -> Decision:
    """The outcome for a question: ``best_scores`` is each document's best sentence score;
    ``subjects`` (a :class:`rag.answer.unmentioned.SubjectCheck`) says which subject words are
    distinctive and which no supporting document mentions.

    The subject is looked for in the supporting documents that name the most of the question's
    names: a news story naming Lula and coffee does not make the readout of Biden's talks with
    Lula one about coffee.
    """
    closest = [e.card() for e in evidence[:CLOSEST]]
    kept, why = supporting(query, evidence)
    if not kept:
        return Decision("decline", why, closest=closest)
    scored = {e.doc_id: best_scores[e.doc_id] for e in kept if e.doc_id in best_scores}
    best = max(scored.values(), default=0.0)
    words = list(query.subjects)
    missing = tuple(subjects.absent(words, _most_named(query, kept, scored))) if words and scored else ()
    covered = set(subjects.distinctive(words)) - set(missing) if missing else set()
    if missing and not covered and len(missing) >= SUBJECT_SHARE * len(words):  # the subject is what they lack
        about = _listed(query, set(query.strong_names)) if query.strong_names else "it"
        named = " or ".join(f"“{w}”" for w in missing)
        return Decision("decline", f"none of the documents on {about} mentions {named}", closest=closest)
    if best < MIN_RELEVANCE:
        return Decision("decline", "the closest documents do not address what it asks", closest=closest)
    people = tuple(query.surfaces.get(n, n) for n in sorted(unnamed(query, kept)))
    if missing or people:
        absent = people + missing
        reason = "the sources do not mention " + " or ".join(f"“{w}”" for w in absent)
        return Decision("partial", reason, frozenset(scored), closest=closest, missing=absent)
    return Decision("answer", "", frozenset(scored))


def _most_named(query, kept: list[DocumentEvidence], scored: dict[str, float]) -> set[str]:
    """The scored supporting documents that name the most of the question's names."""
    terms = set(query.strong_names)
    candidates = [e for e in kept if e.doc_id in scored]
    most = max((len(e.names & terms) for e in candidates), default=0)
    return {e.doc_id for e in candidates if len(e.names & terms) == most}
