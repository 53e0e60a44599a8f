"""What a question asks, understood once: the :class:`Query` every later step reads.

The period, the counterparts (countries and people, however spelled), the roles it names
without a name ("Azerbaijan's president"), whose contact it is ("President Biden's call"), the
kind of answer (one answer, every matching document, the latest) and the words of its subject
are read here, from the question with officials' abbreviations written out
(:func:`rag.search.names.expand`). Retrieval, the answer decision and the writers all read the
same ``Query`` instead of re-reading the question their own way.

A follow-up ("And with Azerbaijan?", "And in March?", "What's the latest on LNG?") is a new
``Query`` made from the previous one: what it names replaces what it replaces — a counterpart,
a period (a bare month in the previous period's year), "latest" (which drops the period), a
subject — and the rest carries over. Its :attr:`Query.standalone` text is the previous question
rewritten accordingly, which is what is searched and what a model is asked; :meth:`Query.understood`
is the one line the chat shows so the official can correct it.

>>> from datetime import date
>>> first = understand("What has the US discussed with Armenia's FM in 2022?", date(2022, 8, 1))
>>> first.names, first.roles, first.scope.label
(('armenia',), ('foreign minister',), 'in 2022 (2022-01-01 to 2022-08-01)')
>>> second = understand("And with Azerbaijan?", date(2022, 8, 1), first)
>>> second.standalone
"What has the US discussed with Azerbaijan's Foreign Minister in 2022?"
>>> for part in second.understood().split(" — "):
...     print(part)
Understood as: Azerbaijan · foreign minister · in 2022 (2022-01-01 to 2022-08-01)
carried over: foreign minister, in 2022
>>> third = understand("And in March?", date(2022, 8, 1), second)
>>> third.standalone
"What has the US discussed with Azerbaijan's Foreign Minister in March 2022?"
>>> third.scope.range()
(datetime.date(2022, 3, 1), datetime.date(2022, 4, 2))
>>> understand("What's the latest on LNG?", date(2022, 8, 1), third).scope.active
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from rag.dates import DateScope, parse_scope

# A question that leans on the one before: starts like a continuation, points back, or is short.
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|what about|how about|then|same|ok|okay)\b"
    r"|\b(it|its|they|them|their|that|this|those|these|he|him|she|his|her|there|latter|former)\b",
    re.I,
)
# A period relative to the previous question's: "after that", "since then", "before that".
_AFTER_THAT = re.compile(r"\b(?:after (?:that|this|it)|since then|afterwards?|subsequently|later on)\b", re.I)
_BEFORE_THAT = re.compile(r"\b(?:before (?:that|this|it)|prior to (?:that|this)|earlier on)\b", re.I)
FOLLOW_UP_WORDS = 6


@dataclass(frozen=True)
class Query:
    """A question as the pipeline understands it (see the module docstring)."""

    question: str  # as typed
    as_of: date
    expanded: str  # abbreviations and descriptions of titles written out
    scope: DateScope
    names: tuple[str, ...]  # counterparts: folded keys (rag.lexical.key_terms)
    surfaces: dict[str, str] = field(default_factory=dict)  # key → as the question writes it
    roles: tuple[str, ...] = ()  # roles named without a name: "foreign minister"
    acting: tuple[str, ...] = ()  # whose contact it is: "biden" in "President Biden's call"
    titled: tuple[str, ...] = ()  # people named with a title: "ruto" in "Kenya's President Ruto"
    uncertain: tuple[str, ...] = ()  # names that may be ordinary words ("Besides", a sentence's first word)
    weak: tuple[str, ...] = ()  # acronyms ("SOF", "PLC") and capitals ("Pristina's premier"): often not written
    carried_names: tuple[str, ...] = ()  # the names a follow-up took from the previous question
    topics: tuple[str, ...] = ()  # names in what it asks about ("… about Eurovision"): its subject, not a party
    contact: str = ""  # the contact asked about: "call", "meeting", "any" (what two sides discussed) or ""
    kind: str = "single"  # single | list | latest
    subjects: tuple[str, ...] = ()  # lower-case words of what it is about
    standalone: str = ""  # the question with what carried over written in: searched, and asked of a model
    carried: tuple[str, ...] = ()  # what a follow-up took from the previous question, as shown
    period_words: str = ""  # the words of ``standalone`` that state its period
    answer_year: int | None = None  # the year the answer to it spoke of (its documents' dates)

    @property
    def strong_names(self) -> tuple[str, ...]:
        """The names a document must name to answer: not acronyms, not words that may be ordinary."""
        return tuple(n for n in self.names if n not in self.weak and n not in self.uncertain)

    @property
    def text(self) -> str:
        """What retrieval and ranking read: the standalone question."""
        return self.standalone or self.expanded

    def understood(self) -> str:
        """One line for the chat: how the question was read, and what carried over."""
        parts = [self.surfaces.get(n, n) for n in self.names]
        parts += list(self.roles)
        parts += [f"{self.surfaces.get(a, a)}'s contacts" for a in self.acting]
        if self.scope.since or self.scope.until:
            parts.append(self.scope.label)
        if self.kind == "list":
            parts.append("every matching document")
        elif self.kind == "latest":
            parts.append("the most recent")
        if self.subjects and not self.names and not self.roles:
            parts.append("about " + " ".join(self.subjects))
        line = "Understood as: " + (" · ".join(parts) if parts else self.text)
        return line + (f" — carried over: {', '.join(self.carried)}" if self.carried else "")


def understand(question: str, as_of: date, previous: Query | None = None) -> Query:
    """The question as a :class:`Query`; a follow-up of ``previous`` is read in its context."""
    from rag.answer.facts import actor_roles, titled_people
    from rag.answer.listing import is_list_question
    from rag.lexical import key_terms, name_spans, names_asked_about, topic_words, uncertain_names
    from rag.search.names import country_key, expand

    expanded = expand(question)
    follow = previous is not None and is_follow_up(question)
    year = _context_year(previous) if previous else None  # in a chat, "in April" is in the year it is about
    scope = parse_scope(expanded, as_of, year)
    names = tuple(key_terms(expanded))
    surfaces = {key: display_name(key, expanded[s:e]) for s, e, key in reversed(name_spans(expanded))}
    kind = "list" if is_list_question(expanded) else "latest" if scope.latest else "single"
    query = Query(
        question=question,
        as_of=as_of,
        expanded=expanded,
        scope=scope,
        names=names,
        surfaces=surfaces,
        roles=tuple(r.removeprefix("role:") for r in actor_roles(expanded)),
        acting=tuple(titled_people(expanded, possessive=True)),
        titled=tuple(titled_people(expanded)),
        uncertain=tuple(uncertain_names(expanded) & set(names)),
        weak=tuple(k for k in names if _weak(k, surfaces.get(k, ""))),
        contact=contact_kind(expanded),
        topics=tuple(names_asked_about(expanded)),
        kind=kind,
        subjects=tuple(
            w for w in topic_words(expanded) if not country_key(w) and w not in scope.phrase.lower().split()
        ),
        standalone=expanded,
        period_words=scope.phrase if scope.phrase in expanded else "",
    )
    return carry_over(previous, query) if follow and previous else query


# "call" as a contact, not "called off", "a call for restraint", "called on Russia"
_CALL = re.compile(r"\b(?:calls?(?!\s+(?:for|on|off|upon)\b)|phone[ds]?|telephone[ds]?|phoned|by phone)\b", re.I)
_MEETING = re.compile(
    r"\b(?:met|meet(?:s|ing|ings)?|in[- ]person|face[- ]to[- ]face|visit(?:s|ed|ing)?|hosted|trip|sat down)\b", re.I
)


_EXCHANGE = re.compile(r"\b(?:discuss(?:ed|es|ing)?|talk(?:s|ed)?|spoke|speak|conversation|exchang(?:e|ed))\b", re.I)


def contact_kind(text: str) -> str:
    """The kind of contact a text speaks of: "call", "meeting", "any" (sides that discussed or
    spoke, either way), or "" for none.

    >>> contact_kind("What did they discuss by phone?"), contact_kind("When Blinken met Deuba in person")
    ('call', 'meeting')
    >>> contact_kind("What did Blinken and Kuleba discuss?"), contact_kind("What was said about grain?")
    ('any', '')
    """
    call, meeting = bool(_CALL.search(text)), bool(_MEETING.search(text))
    if call != meeting:
        return "call" if call else "meeting"
    return "any" if call or _EXCHANGE.search(text) else ""


def is_follow_up(question: str) -> bool:
    """Whether a question in a chat leans on the one before (short, or pointing back).

    >>> is_follow_up("And with Azerbaijan?"), is_follow_up("latest on that?")
    (True, True)
    >>> is_follow_up("What did the Secretary discuss with Kenya's President Ruto in 2022?")
    False
    """
    return len(question.split()) <= FOLLOW_UP_WORDS or bool(_FOLLOW_UP.search(question))


def carry_over(previous: Query, new: Query) -> Query:
    """``new`` with what it does not replace taken from ``previous`` (see the module docstring).

    A follow-up that only changes counterparts or the period is the previous question with them
    replaced; one with words of its own (a subject, a role) is its own words with the context it
    leans on in brackets: "what about energy (Armenia, foreign minister, in 2022)?".
    """
    carried: list[str] = []
    names, surfaces = new.names, dict(new.surfaces)
    someone = _names_someone(new)
    carried_names: tuple[str, ...] = ()
    if not someone:  # no new counterpart (an acronym such as "LNG" is a subject): the previous ones stay
        names = tuple(dict.fromkeys(previous.names + new.names))
        surfaces = {**previous.surfaces, **surfaces}
        carried += [previous.surfaces.get(n, n) for n in previous.names]
        carried_names = previous.names
    roles = new.roles or (previous.roles if not someone or not new.acting else ())
    carried += list(previous.roles) if previous.roles and not new.roles else []
    acting = new.acting or (previous.acting if not someone else ())
    titled = new.titled if someone else tuple(dict.fromkeys(previous.titled + new.titled))
    uncertain = new.uncertain if someone else tuple(dict.fromkeys(previous.uncertain + new.uncertain))
    weak = new.weak if someone else tuple(dict.fromkeys(previous.weak + new.weak))
    scope, period_words = new.scope, previous.period_words
    relative = _relative_period(new.question, previous.scope, new.as_of)
    if relative is not None:
        scope = relative
        period_words = relative.phrase
    elif new.scope.since or new.scope.until:
        period_words = _period_words(new.scope)
    elif new.scope.latest:
        period_words = "most recently"
    elif previous.scope.active:
        scope = previous.scope
        carried.append(previous.scope.phrase or "latest")
    kind = new.kind if new.kind != "single" else ("single" if new.scope.active else previous.kind)
    new_contact = new.contact in ("call", "meeting") and new.contact != previous.contact
    own_words = bool(new.subjects or new.roles or (new.names and not someone) or new_contact)
    if own_words:
        context = [surfaces.get(n, n) for n in names if n not in new.names] + list(roles if not new.roles else [])
        context += [period_words] if period_words else []
        standalone = f"{_own_words(new.expanded)} ({', '.join(context)})?" if context else new.expanded
    else:
        standalone = previous.text
        if someone:
            standalone = _replace_names(standalone, previous, new)
        if period_words != previous.period_words:
            standalone = _replace_period(standalone, previous.period_words, period_words)
    return replace(
        new,
        names=names,
        surfaces=surfaces,
        roles=roles,
        acting=acting,
        titled=titled,
        uncertain=uncertain,
        weak=weak,
        contact=new.contact or (previous.contact if not someone else ""),
        scope=scope,
        kind=kind,
        subjects=new.subjects or previous.subjects,
        standalone=standalone,
        carried=tuple(dict.fromkeys(carried)),
        carried_names=carried_names,
        period_words=period_words,
    )


def _names_someone(query: Query) -> bool:
    """Whether a question names a counterpart of its own: a country, or a person (not an acronym)."""
    from rag.search.names import country_key

    return any(country_key(n) or not query.surfaces.get(n, n).isupper() for n in query.names)


def _weak(key: str, written: str) -> bool:
    """An acronym ("SOF", "AbZ") or a capital standing for its country ("Buenos Aires' FM",
    "Foggy Bottom"): documents often write neither."""
    from rag.search.names import capital_of, country_key

    acronym = sum(c.isupper() for c in written) >= 2 and " " not in written.strip() and not country_key(key)
    return acronym or bool(capital_of(key) or capital_of(written))


def display_name(key: str, written: str) -> str:
    """How the chat and a rewritten question show a name: a country by its name ("Turkish" →
    "Turkey"), anyone else as written.

    >>> display_name("republic of the congo", "Congolese"), display_name("aliev", "Aliev")
    ('Republic of the Congo', 'Aliev')
    """
    from rag.search.names import country_key

    if not country_key(key):
        return written
    small = {"of", "the", "and"}
    return " ".join(w if w in small else w.capitalize() for w in key.split())


def _relative_period(question: str, previous: DateScope, as_of: date) -> DateScope | None:
    """ "After that" is from the end of the previous period to the as-of date; "before that" up
    to its start (None when the question says neither or the previous question had no period)."""
    from datetime import timedelta

    if _AFTER_THAT.search(question) and previous.until:
        since = previous.until + timedelta(days=1)
        return DateScope(since, as_of, False, f"after {previous.until.isoformat()}")
    if _BEFORE_THAT.search(question) and previous.since:
        return DateScope(None, previous.since - timedelta(days=1), False, f"before {previous.since.isoformat()}")
    return None


def _context_year(previous: Query) -> int | None:
    """The year a conversation is in: the previous question's period's last year, else the year
    its answer spoke of ("What did London threaten in July?" after an answer about 2019)."""
    return previous.scope.until.year if previous.scope.until else previous.answer_year


def _replace_names(text: str, previous: Query, new: Query) -> str:
    """``text`` with the previous question's counterparts replaced by the new ones: the first
    takes the place of the first, the others are left out ("Armenia's Foreign Minister Mirzoyan"
    → "Azerbaijan's Foreign Minister"). Without a place to put them, they are added at the end."""
    from rag.lexical import name_spans

    spans = [(s, e) for s, e, key in name_spans(text) if key in previous.names]
    replacement = " and ".join(new.surfaces.get(n, n) for n in new.names)
    if not spans:
        return f"{text.rstrip('?. ')} — with {replacement}?"
    out, last = [], 0
    for number, (start, end) in enumerate(spans):
        out.append(text[last:start])
        if number == 0:
            out.append(replacement)
        last = end
    out.append(text[last:])
    return re.sub(r"\s{2,}", " ", "".join(out)).replace(" 's", "'s")


def _replace_period(text: str, old_words: str, new_words: str) -> str:
    """``text`` with the previous period's words replaced by the new period's words ("most
    recently" goes after a comma at the end)."""
    if old_words and old_words in text:
        text = re.sub(r"\s{2,}", " ", text.replace(old_words, "" if new_words == "most recently" else new_words))
        text = re.sub(r"\s+(in|on|during|since|from|of)?\s*([?.])$", r"\2", text)
    if new_words and new_words not in text:
        separator = ", " if new_words == "most recently" else " "
        return f"{text.rstrip('?. ')}{separator}{new_words}?"
    return text


def _period_words(scope: DateScope) -> str:
    """The period as words a reader and a model understand: the phrase, with the year made explicit."""
    if not scope.phrase:
        return ""
    if scope.since and scope.since.year == (scope.until or scope.since).year and not re.search(r"\d{4}", scope.phrase):
        return f"{scope.phrase} {scope.since.year}"
    return scope.phrase


def _own_words(question: str) -> str:
    """A follow-up without its leading "and"/"what about": its own subject."""
    return re.sub(r"^\s*(and|but|also|then)\s+", "", question.strip().rstrip("?. "), flags=re.I)
