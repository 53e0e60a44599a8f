"""A chat model asked about one source at a time: the first words come after one short prompt.

A small local model reads its prompt at 20–45 tokens a second and writes nothing before it has
read all of it, so four sources cost 10–15 s before the first word; and given four sources at
once, the 1.5B model mostly answers in one sentence on one point (docs/benchmarks.md). Asked
source by source, best first, it starts after reading one short passage, and every source gets
its own say while the reader reads the first.

The instructions are the system prompt, which llama.cpp keeps in its prefix cache, and each
call's user message is the question then the source: only the question and the source are read
anew. (Asked the source first, then the question and a line of instruction, the model declined
the sample corpus's unanswerable question, but its first token came 1 s later and key facts fell
on the fresh questions: docs/benchmarks.md, "Sixth session".) A source the model finds silent on
the question (it replies ``NONE``: offered the refusal sentence instead, it declined sources that
did answer) adds nothing, and the refusal is the answer only when every source was silent. A
later source's sentence that repeats an earlier one (readouts of one call by two outlets) is
dropped.

A passage read alone loses who is speaking and which contact it comes from ("The Secretary
noted …" became the counterpart's words; a meeting the next week became part of the call asked
about). So a question that names someone is answered from that contact's documents
(:func:`rag.answer.passages.one_contact`); every later call is shown its document's opening
sentence for who is who (``Passage.opening``, never cited); an opening that only says who spoke
with whom is that context, not a source of its own; and a copy of the title line that the model
writes before its answer is dropped.

Asked about one short passage, the model also pads it with generic points; the verifier flags
those and this writer drops them (``keeps_unverified``).

On 30 questions written after it was built, on a slow CPU, the first token came after 7.1 s p50
against 14.0 s for all sources in one prompt, key facts were 0.54 against 0.39, and a blind audit
found a mixed-up or invented sentence in 3 answers against 4. It is the default in an archive of
3,000 chunks or more (``RAG_LOCAL_WRITING=auto``, :func:`rag.factory.local_writing`): asked about
one source, the packaged model answered from a source that was silent on the question, where the
together prompt declined (an ``xfail`` llm test on the sample article); from that size the
subject check (:mod:`rag.answer.unmentioned`) declines such questions before any model runs. It
also obeyed instructions planted in a source in words that :mod:`rag.injection` does not elide:
its "BANANA [1]" is dropped by the verifier as a fragment, but asked in sequence it wrote "BANANA
The ministers discussed …" for one of five (docs/benchmarks.md, "Fifth session" to "Eighth
session").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from langchain_core.messages import HumanMessage, SystemMessage

from rag.answer.base import DocumentText, Turn, is_refusal, refusal_text
from rag.answer.chat import ChatWriter, earlier_turns
from rag.answer.passages import (
    Passage,
    byline_end,
    is_bare_contact,
    leading,
    merge_adjacent,
    one_contact,
    opening_span,
    past_byline,
    widen,
    widen_in_body,
    with_opening,
)
from rag.answer.verify import MARKERS
from rag.lexical import stems
from rag.prompts import render
from rag.text import sentence_spans

SILENT = "NONE"  # what the model is told to reply when its source says nothing on the question
REPEATED = 0.8  # a sentence whose content words are 80% in one earlier sentence says nothing new


class BySourceWriter(ChatWriter):
    """One model call per source, best source first; ``first_chars`` bounds what the first token waits on."""

    # Asked about one passage, the model pads a short one with generic points; in a blind audit all
    # 21 of its sentences flagged "(unverified)" were unsupported (docs/benchmarks.md): drop them.
    keeps_unverified = False

    def __init__(
        self,
        model,
        name: str,
        max_sources: int = 4,
        max_chars: int = 1100,
        first_chars: int = 400,
        first_message_chars: int | None = None,
    ):
        super().__init__(model, name, max_sources=max_sources, max_chars=max_chars)
        self.first_chars, self.first_message_chars = first_chars, first_message_chars

    def sources(self, question: str, ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
        """The best passage within ``first_chars``, then the next ones within ``max_chars`` in all.

        What of the best passage's context did not fit the first source comes next, then the other
        passages, each widened by a neighbour sentence while it fits; those are merged where they
        touch and kept best first, like the calls.
        """
        best = self.best(one_contact(question, past_openings(ranked[: self.max_sources * 4], document_text)))
        if not best:
            return []
        first = self.first_source(question, best[0], document_text)
        rest, used = [], len(first.text)
        for passage in outside(widen(best[0], document_text), first, document_text) + best[1:]:
            kept = fit(passage, document_text, self.max_chars - used, first)
            if kept is not None:
                rest.append(kept)
                used += len(kept.text)
        later = sorted(merge_adjacent(rest, document_text), key=lambda p: -p.score)
        return [first] + [with_opening(p, document_text) for p in later]

    def first_source(self, question: str, best: Passage, document_text: DocumentText) -> Passage:
        """The best passage with a neighbour sentence on each side if that fits ``first_chars``,
        else alone, else as much of it as fits (at least one sentence); never the header lines.

        ``first_message_chars`` bounds the question, the title line and the source together: the
        first token waits on all three. Where that bound removes the neighbours ``first_chars``
        allowed, the neighbour on one side is kept if it fits; the bound never lengthens the source
        (a neighbour the default would not give cost short questions 1.5-2 s: docs/benchmarks.md).
        """
        room = self.first_chars
        if self.first_message_chars:
            room = min(room, self.first_message_chars - len(question) - len(title_line(best)))
        both, one_side = widen_in_body(best, document_text), ()
        if room < len(both.text) <= self.first_chars:  # the bound took both neighbours
            one_side = (
                widen_in_body(best, document_text, before=0),
                widen_in_body(best, document_text, sentences=0, before=1),
            )
        alone = past_byline(best, document_text)
        return first_fitting((both, *one_side, alone), room) or leading(alone, room)

    def messages_for(self, question: str, source: Passage, n: int, history: list[Turn]) -> list:
        system = render("answer_source_system.j2", silent=SILENT)
        user = render("answer_source_user.j2", question=question, history=earlier_turns(history), source=source, n=n)
        return [SystemMessage(system), HumanMessage(user)]

    def messages(self, question: str, sources: list[Passage], history: list[Turn]) -> list:
        """The first call's messages: all the first token waits on."""
        return self.messages_for(question, sources[0], 1, history) if sources else []

    def stream(self, question: str, sources: list[Passage], history: list[Turn]) -> Iterator[str]:
        said: list[frozenset[str]] = []  # the content words of every sentence given so far
        for n, source in enumerate(sources, start=1):
            reply = (str(c.content) for c in self.model.stream(self.messages_for(question, source, n, history)))
            pieces = without_echo(withhold_silence(until_repeated(p for p in reply if p)), source)
            if not said:  # streamed as it comes: the reader's first words
                text = ""
                for piece in renumbered(pieces, n):
                    text += piece
                    yield piece
                if text.strip() and not MARKERS.search(text.strip()[-6:]):
                    yield f" [{n}]"  # the call saw one source: its paragraph cites it
            else:  # whole, once silence and repeats are dropped
                text = paragraph("".join(pieces), n, said)
                if text:
                    yield "\n\n" + text
            reply.close()  # a call cut short by until_repeated stops generating here
            said += [stems(text[a:b]) for a, b in sentence_spans(text)]
        if not said:
            yield refusal_text()


def past_openings(ranked: list[Passage], document_text: DocumentText) -> list[Passage]:
    """The passages but those within the header lines (:func:`byline_end`) and an opening sentence
    that says only who spoke with whom. Such an opening as the best passage gives way to its
    document's best other passage (the document stays first); it stays only if there is none.

    Asked about such an opening alone ("Secretary Blinken spoke today with Prime Minister
    Wickremesinghe."), the model invents what they discussed, and the first call's words stream
    to the reader before any check: "King Hamad discussed the ongoing conflict in Yemen" for a call
    that was about the Abraham Accords (docs/benchmarks.md, "Twelfth session"). Where the opening
    fits beside the first source it is read as its neighbour; later calls are shown it anyway, for
    who is who.
    """
    heads: dict[str, int] = {}
    for passage in ranked:
        if passage.doc_id not in heads:
            text = document_text(passage.doc_id)
            start, end = opening_span(text)
            heads[passage.doc_id] = end if is_bare_contact(text[start:end]) else byline_end(text)
    kept = [p for p in ranked if p.end > heads[p.doc_id]]
    if not ranked:
        return []
    first = next((p for p in kept if p.doc_id == ranked[0].doc_id), ranked[0])
    return [first] + [p for p in kept if p is not first]


def fit(passage: Passage, document_text: DocumentText, room: int, first: Passage | None) -> Passage | None:
    """The passage widened by a neighbour sentence if that fits in ``room``, else as is if it fits;
    never text the ``first`` source already gives."""
    return first_fitting((widen_in_body(passage, document_text), passage), room, first)


def first_fitting(candidates: Iterable[Passage], room: int, first: Passage | None = None) -> Passage | None:
    """The first candidate within ``room`` characters that gives no text of ``first``."""
    return next((c for c in candidates if len(c.text) <= room and not overlaps(c, first)), None)


def overlaps(a: Passage, b: Passage | None) -> bool:
    return b is not None and a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def outside(around: Passage, first: Passage, document_text: DocumentText) -> list[Passage]:
    """What of ``around`` follows ``first`` (its context that did not fit), as a passage.

    Only what follows: a readout's substance comes after its opening sentence, and what precedes a
    passage is mostly a byline ("The below is attributable to …") that a model asked about it alone
    fills with invention.
    """
    text = document_text(around.doc_id)
    piece = text[first.end : around.end]
    start, end = first.end + len(piece) - len(piece.lstrip()), around.end - len(piece) + len(piece.rstrip())
    return [replace(around, start=start, end=end, text=text[start:end])] if start < end else []


def paragraph(reply: str, n: int, said: list[frozenset[str]]) -> str:
    """A later call's reply as one paragraph citing its source ``[n]``: new sentences only.

    >>> said = [stems("The Secretary raised the killing of journalist Shireen Abu Akleh with Gantz [1].")]
    >>> paragraph("The Secretary raised the killing of Shireen Abu Akleh [2]. They discussed Iran [1].", 3, said)
    'They discussed Iran [3].'
    >>> paragraph("They discussed Iran. The sources in the corpus do not answer this question.", 2, [])
    'They discussed Iran [2].'
    """
    kept = [MARKERS.sub("", sentence).strip() for sentence in new_sentences(reply, said)]
    kept = [s for s in kept if s and not is_silence(s)]
    return " ".join(kept).rstrip(".") + f" [{n}]." if kept else ""


def new_sentences(text: str, said: list[frozenset[str]]) -> list[str]:
    """The sentences of ``text`` that do not repeat one already said."""
    text, kept = text.strip(), []
    for start, end in sentence_spans(text):
        if not repeats(stems(text[start:end]), said):
            kept.append(text[start:end])
    return kept


def repeats(words: frozenset[str], said: list[frozenset[str]]) -> bool:
    """Whether a sentence's content ``words`` are ``REPEATED`` (80%) in one earlier sentence's;
    a sentence without content words repeats nothing."""
    return bool(words) and any(len(words & earlier) >= REPEATED * len(words) for earlier in said)


def until_repeated(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces until a finished sentence repeats an earlier one of the same reply (``REPEATED``
    of its content words), that sentence included; then the call can stop.

    The small model can loop: asked about one passage it wrote one sentence seven times and a
    made-up numbered list of 18 points, each up to its 350-token limit (q061, q026: 35 s and 51 s
    to the checked answer on an Intel Xeon; docs/benchmarks.md, "Twelfth session").

    >>> list(until_repeated(["Gas was discussed. ", "Oil too. ", "Gas was discussed", ". Coal. ", "Wind."]))
    ['Gas was discussed. ', 'Oil too. ', 'Gas was discussed', '. Coal. ']
    """
    text, checked, said = "", 0, []
    for piece in pieces:
        yield piece
        text += piece
        for start, end in sentence_spans(text)[:-1]:  # the last sentence may still be arriving
            if start < checked:
                continue
            words, checked = stems(text[start:end]), end
            if repeats(words, said):
                return
            said.append(words)


def renumbered(pieces: Iterable[str], n: int) -> Iterator[str]:
    """The pieces with every marker made ``[n]``: the call saw only source ``n``.

    A piece that opens a marker is held until the marker closes (markers stream as ``[``, ``2``, ``]``).

    >>> "".join(renumbered(["Gas [", "1", "]. Oil [2", "].", " End"], 3))
    'Gas [3]. Oil [3]. End'
    """

    def cite(marker: re.Match) -> str:
        return marker.group(0)[: len(marker.group(0)) - len(marker.group(0).lstrip())] + f"[{n}]"

    held = ""
    for piece in pieces:
        held += piece
        opened = held.rfind("[")
        if opened != -1 and "]" not in held[opened:] and len(held) - opened < 12:
            continue  # a marker may still be arriving
        yield MARKERS.sub(cite, held)
        held = ""
    if held:
        yield MARKERS.sub(cite, held)


def withhold_silence(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces, unless together they say the source is silent (``NONE``, or the refusal):
    held back while they could still be that.

    >>> list(withhold_silence(["NO", "NE"]))
    []
    >>> list(withhold_silence(["The sources in", " the corpus do not answer this question."]))
    []
    >>> list(withhold_silence(["The", " sources", " say", " more"]))
    ['The sources say', ' more']
    """
    silences = (SILENT.lower(), refusal_text().lower().rstrip("."))

    def could_be_silence(held: str) -> bool:
        return any(silence.startswith(held.strip().lower().rstrip(".")) for silence in silences)

    return held_while(pieces, could_be_silence, lambda held: held, lambda held: not is_silence(held))


def without_echo(pieces: Iterable[str], source: Passage) -> Iterator[str]:
    """The pieces without a leading copy of the source's title line, which the model sometimes
    writes before its answer ("Somalia's Presidential Elections (U.S. Department of State, …) …").

    >>> src = Passage("d", 0, 1, "x", title="Call with Kenyatta", source="State", date=20220630)
    >>> "".join(without_echo(["Call with", " Kenyatta (State, 2022-06-30)", " They met [1]."], src))
    'They met [1].'
    >>> "".join(without_echo(["Call", " centres were discussed [1]."], src))
    'Call centres were discussed [1].'

    Only a whole title line is an echo: a document without a title is titled by its first words,
    which a faithful answer may begin with.

    >>> "".join(without_echo(["Call with Kenyatta", " on Congo was held [1]."], src))
    'Call with Kenyatta on Congo was held [1].'
    >>> "".join(without_echo(["Call with Kenyatta", "\\nThey met [1]."], src))
    'They met [1].'
    """
    line = title_line(source)
    echoes = (line, f"{source.title}\n", f"{source.title}:") if source.title else (line,)
    echoes = tuple(e.lower() for e in echoes)

    def could_be_echo(held: str) -> bool:
        return any(echo.startswith(held.lstrip().lower()) for echo in echoes)

    def without_it(held: str) -> str:
        echo = next((e for e in echoes if held.lstrip().lower().startswith(e)), "")
        return held.lstrip()[len(echo) :].lstrip(" :.-\n") if echo else held

    return held_while(pieces, could_be_echo, without_it, lambda held: True)


def title_line(source: Passage) -> str:
    """The source's line in the prompt (answer_source_user.j2) after its number."""
    return f"{source.title} ({source.source or 'unknown outlet'}, {source.date_iso or 'undated'})"


def held_while(pieces: Iterable[str], could_be, release, keep_at_end) -> Iterator[str]:
    """Pieces held back while ``could_be(held)``; then ``release(held)`` and the rest as they come.
    If the reply ends while held, it is kept only if ``keep_at_end(held)``."""
    held, rest = "", iter(pieces)
    for piece in rest:
        held += piece
        if not could_be(held):
            yield release(held)
            yield from rest
            return
    if held and keep_at_end(held):
        yield held


def is_silence(text: str) -> bool:
    """The model's ``NONE`` for a silent source, or the refusal sentence (which also says so)."""
    return text.strip().lower().rstrip(".") == SILENT.lower() or is_refusal(text)
