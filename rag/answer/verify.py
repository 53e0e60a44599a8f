"""Every sentence of an answer checked against the sources it cites, before the user sees it.

For each sentence (a bullet's sentences share the bullet's markers):

1. **Facts.** Every name, number, month and date in the sentence must be stated by a cited source
   (its passage, title, outlet, date or place) — see :mod:`rag.answer.facts`. So must every word
   of what the question asks about ("… discuss about coffee exports?") that the sentence repeats:
   a model echoes the question's subject onto a readout of the right meeting that never mentions it.
2. **Support.** A verbatim quote of the source is supported outright; otherwise the support score
   is ``0.5 * cosine(sentence, closest source sentence) + 0.5 * share of its content words found
   within two adjacent source sentences``. It must reach :data:`SUPPORT_THRESHOLD` (calibrated in
   docs/evaluation.md), and :data:`COVERAGE` of its content words (reporting verbs aside) must
   occur in the cited source.

Then a sentence is **supported**; or **corrected** (another source states it: the marker is
moved there); **cited** (it had no marker, a source supports it at :data:`ASSIGN_THRESHOLD`: one
is added); **unverified** (its facts are in the cited — or, uncited, the closest — source but the
wording is not clearly supported: it stays, visibly prefixed ``(unverified)``); or **removed** (a
fact no cited source states, or no source at all) — listed with the reason. Headings, refusals
and connectives are **plain**. A marker that points at no source never survives
(:func:`rag.answer.citations.resolve` runs afterwards).

>>> from rag.answer.passages import Passage
>>> src = [Passage("d1", 0, 60, "Serbia and Azerbaijan agreed to build a gas interconnector.", title="Talks")]
>>> checked = verify("Serbia and Azerbaijan agreed to build a gas interconnector [1]. "
...                  "They also signed a $2 billion loan with Hungary [1].", src, embeddings=None)
>>> checked.text
'Serbia and Azerbaijan agreed to build a gas interconnector [1].'
>>> [(c.status, c.missing) for c in checked.checks]
[('supported', ()), ('removed', ('2', 'billion', 'hungary'))]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache

from rag.answer.base import is_refusal
from rag.answer.facts import SUBJECT, facts, missing, repeated_subjects
from rag.answer.passages import Passage
from rag.embeddings import as_array, distinct_vectors
from rag.lexical import asked_about, stems
from rag.text import has_words, sentence_spans

SUPPORT_THRESHOLD = 0.55
# A sentence its writer left uncited is given a source only on clearer support: the local model's
# uncited note sentences between 0.55 and 0.75 were mostly misattributed when read (evaluation.md).
ASSIGN_THRESHOLD = 0.75
COVERAGE = 0.7  # and 70% of its content words must occur in the cited source
# How a sentence reports, not what it claims: "reached out", "told", "discussed" need not be quoted.
_REPORTING = frozenset("yes also said says told tell noted spoke speak talked talk reache called calls held".split())
VERBATIM = 0.8  # a sentence whose longest common run with the source covers 80% of it is a quote
UNVERIFIED = "(unverified)"
MARKERS = re.compile(r"\s?\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*[,;]?\s*\[\d+(?:\s*[,;]\s*\d+)*\])+[\s.,;]*")


@dataclass(frozen=True)
class SentenceCheck:
    sentence: str
    status: str  # supported | corrected | cited | unverified | removed | plain
    support: float = 0.0
    missing: tuple[str, ...] = ()
    reason: str = ""
    cited: bool = False  # whether the writer cited a source for it (before any correction)
    own_marker: bool = False  # …with a marker of its own, not one closing its bullet or paragraph

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Verified:
    text: str
    checks: list[SentenceCheck]
    quote_spans: dict[tuple[str, int, int], tuple[int, int]] = field(default_factory=dict)

    def count(self, *statuses: str) -> int:
        return sum(c.status in statuses for c in self.checks)


@dataclass
class _Claim:
    body: str  # the sentence without markers
    original: str  # as written, markers included
    cited: list[int]  # 1-based source numbers, valid ones only
    inherited: bool = False  # cited by the marker that closes its bullet or paragraph
    bullet: bool = False


def markers_of(text: str) -> list[int]:
    found = []
    for group in MARKERS.findall(text):
        found += [int(x) for x in re.split(r"\s*[,;]\s*", group)]
    return list(dict.fromkeys(found))


def split_claims(line: str, count: int, bullet: bool = False) -> list[_Claim]:
    """Sentences of one line; markers written after a sentence's full stop belong to it."""
    claims: list[_Claim] = []
    for start, end in sentence_spans(line):
        sentence = line[start:end]
        leading = _LEADING_MARKERS.match(sentence)
        if leading and claims:
            claims[-1].original += " " + leading.group(0).strip()
            claims[-1].cited = _valid(markers_of(claims[-1].original), count)
            sentence = sentence[leading.end() :].strip()
        if sentence:
            body = MARKERS.sub("", sentence).strip()
            claims.append(_Claim(body, sentence, _valid(markers_of(sentence), count), bullet=bullet))
    pending: list[int] = []
    for claim in reversed(claims):  # a marker closing a bullet or paragraph covers its sentences before it
        if claim.cited:
            pending = claim.cited
        elif pending:
            claim.cited, claim.inherited = pending, True
    return claims


def _valid(numbers: list[int], count: int) -> list[int]:
    return [n for n in numbers if 1 <= n <= count]


def source_text(passage: Passage) -> str:
    """What a citation shows: the passage and its metadata (a date or outlet may be cited too)."""
    return "\n".join(x for x in (passage.title, passage.source, passage.date_iso, passage.place, passage.text) if x)


def is_plain(body: str) -> bool:
    """Headings, refusals and connectives: nothing to check."""
    if not has_words(body) or body.endswith(":") or is_refusal(body):
        return True  # a list number alone ("1.") says nothing either
    return not facts(body) and len(stems(body)) < 3


class _Scorer:
    """Support scores for one answer; embeds sentences lazily, once, only when a quote is not verbatim."""

    def __init__(self, sources: list[Passage], embeddings):
        self.sources, self.embeddings = sources, embeddings
        self.sentences = [[(s, e) for s, e in sentence_spans(p.text)] or [(0, len(p.text))] for p in sources]
        self._vectors: dict[str, object] = {}

    def _vector(self, text: str):
        if text not in self._vectors:
            self._vectors[text] = as_array(self.embeddings, [text])[0]
        return self._vectors[text]

    def prepare(self, bodies: list[str]) -> None:
        """Embed all sentences in one batch (the expensive part)."""
        texts = bodies + [p.text[s:e] for p, spans in zip(self.sources, self.sentences, strict=True) for s, e in spans]
        texts = [t for t in texts if t not in self._vectors]
        if texts and self.embeddings is not None:
            self._vectors.update(distinct_vectors(self.embeddings, texts))

    def support(self, body: str, cited: list[int]) -> tuple[float, dict[int, tuple[int, int]]]:
        """(score, best sentence span per cited source)."""
        best_spans, semantic = {}, 0.0
        for n in cited:
            passage = self.sources[n - 1]
            if verbatim(body, passage):
                return 1.0, {}
            if self.embeddings is None:
                continue
            vector = self._vector(body)
            scores = [float(self._vector(passage.text[s:e]) @ vector) for s, e in self.sentences[n - 1]]
            index = max(range(len(scores)), key=scores.__getitem__)
            best_spans[n] = self._span_with_facts(body, n, index)
            semantic = max(semantic, scores[index])
        lexical = max(self._local_lexical(body, n) for n in cited)
        return round(0.5 * semantic + 0.5 * lexical, 4), best_spans

    def covered(self, body: str, cited: list[int]) -> bool:
        """Whether most of the sentence's content words occur in the cited sources: a sentence
        that adds a clause ("…, urging him to free political prisoners") the source lacks is not."""
        said = stems(body) - _REPORTING
        if not said:
            return True
        found = stems(" ".join(source_text(self.sources[n - 1]) for n in cited))
        return len(said & found) / len(said) >= COVERAGE

    def _local_lexical(self, body: str, n: int) -> float:
        """Share of the claim's content words found within two adjacent source sentences (plus the
        metadata): a claim stitched from distant sentences ("met … in the framework of the
        Commission") is not supported by any one place in the source."""
        passage, spans = self.sources[n - 1], self.sentences[n - 1]
        metadata = source_text(replace(passage, text=""))
        windows = [passage.text[spans[i][0] : spans[min(i + 1, len(spans) - 1)][1]] for i in range(len(spans))]
        return max(_lexical(body, f"{metadata} {window}") for window in windows)

    def _span_with_facts(self, body: str, n: int, index: int) -> tuple[int, int]:
        """The closest sentence, widened to the sentences stating the claim's facts it lacks."""
        passage, spans = self.sources[n - 1], self.sentences[n - 1]
        chosen = [spans[index]]
        for fact in missing(facts(body), passage.text[spans[index][0] : spans[index][1]]):
            holding = [(s, e) for s, e in spans if not missing([fact], passage.text[s:e])]
            chosen += holding[:1]
        return min(s for s, _ in chosen), max(e for _, e in chosen)


def verbatim(body: str, passage: Passage) -> bool:
    """Whether ``body`` quotes the passage: as a substring (spacing aside), after a prefix of the
    citation's metadata ("2024-12-23, Trend: <quote>"), or — for passages up to a few thousand
    characters — with one verbatim run covering 80% of it.
    """
    text, said = _spaced(passage.text), " ".join(body.split())
    if said in text:
        return True
    head, colon, tail = said.partition(": ")
    if colon and len(tail) >= 20 and tail in text and _is_metadata(head, passage):
        return True
    if len(said) < 20 or len(text) > 4000:  # difflib is quadratic: long documents take the scored path
        return False
    match = SequenceMatcher(None, said, text, autojunk=False).find_longest_match(0, len(said), 0, len(text))
    if match.size >= VERBATIM * len(said):
        return True
    return match.size >= 40 and _is_metadata(said[: match.a] + " " + said[match.a + match.size :], passage)


@lru_cache(maxsize=256)
def _spaced(text: str) -> str:
    return " ".join(text.split())


def _is_metadata(text: str, passage: Passage) -> bool:
    """Whether ``text`` says nothing but the citation's date, outlet, title or place."""
    metadata = source_text(replace(passage, text=""))
    return not missing(facts(text), metadata) and stems(text) <= stems(metadata)


def _lexical(body: str, source: str) -> float:
    said = stems(body)
    return len(said & stems(source)) / len(said) if said else 1.0


def verify(
    text: str,
    sources: list[Passage],
    embeddings,
    threshold: float = SUPPORT_THRESHOLD,
    keep_unverified: bool = True,
    question: str = "",
) -> Verified:
    """Check every sentence of ``text`` (citing ``sources`` as [1], [2], …); see the module doc.

    Without ``keep_unverified``, an unverified sentence is removed instead of shown flagged: for a
    writer whose unverified sentences are mostly invented (``Writer.keeps_unverified``); so is a
    cited fragment with nothing to check ("BANANA [1]": a planted instruction obeyed). The
    ``question``'s subject words that a sentence repeats are facts its source must state.
    """
    subjects = asked_about(question)
    lines = []
    for line in text.splitlines():
        bullet = line.startswith("- ")
        lines.append((bullet, split_claims(line[2:] if bullet else line, len(sources), bullet)))
    scorer = _Scorer(sources, embeddings)
    checkable = [c for _, line_claims in lines for c in line_claims if not is_plain(c.body)]
    if embeddings is not None and not all(_any_verbatim(c, sources) for c in checkable):
        scorer.prepare([c.body for c in checkable])
    checks, out_lines, spans = [], [], {}
    for bullet, claims in lines:
        shown = []
        for claim in claims:
            check, text_shown, used = _check(claim, sources, scorer, threshold, subjects)
            if check.status == "unverified" and not keep_unverified:
                check, text_shown, used = replace(check, status="removed", reason="unverified: " + check.reason), "", {}
            elif claim.cited and not keep_unverified and len(stems(claim.body)) < 3 and not is_refusal(claim.body):
                reason = "cites a source but states too little to check"
                check, text_shown, used = replace(check, status="removed", reason=reason), "", {}
            checks.append(check)
            shown += [text_shown] if text_shown else []
            for n, span in used.items():
                spans.setdefault(n, []).append(span)
        if claims and not shown:
            continue  # every sentence of the line was removed
        kept = " ".join(shown)
        inherited = claims[-1].cited if any(c.inherited and c.bullet for c in claims) else []
        if inherited and not markers_of(kept):  # the bullet's marker went with a removed sentence
            kept = _with_markers(kept, inherited)
        out_lines.append(("- " if bullet else "") + kept)
    return Verified("\n".join(out_lines).strip(), checks, _quote_spans(sources, spans))


def _quote_spans(sources: list[Passage], spans: dict[int, list[tuple[int, int]]]) -> dict:
    """Per source passage, the span of its sentences that the answer's sentences rest on."""
    out = {}
    for n, found in spans.items():
        passage = sources[n - 1]
        start, end = min(s for s, _ in found), max(e for _, e in found)
        out[(passage.doc_id, passage.start, passage.end)] = (passage.start + start, passage.start + end)
    return out


def _any_verbatim(claim: _Claim, sources: list[Passage]) -> bool:
    """Whether some source quotes the claim word for word; its own cited sources are tried first
    (a list's 30 lines each quote their own: trying all sources in order was 30 × 30 difflib runs)."""
    order = claim.cited + [n for n in range(1, len(sources) + 1) if n not in claim.cited]
    return any(verbatim(claim.body, sources[n - 1]) for n in order)


def _check(claim: _Claim, sources: list[Passage], scorer: _Scorer, threshold: float, subjects: list[str]):
    """(the check, the sentence as shown or '' when removed, best source sentence per citation)."""
    body = claim.body
    if is_plain(body):
        return SentenceCheck(body, "plain"), claim.original, {}
    said = facts(body) + repeated_subjects(body, subjects)
    if claim.cited:
        absent = missing(said, "\n".join(source_text(sources[n - 1]) for n in claim.cited))
        support, used = scorer.support(body, claim.cited)
        if not absent and support >= threshold and scorer.covered(body, claim.cited):
            claim = _only_supporting(claim, said, sources, scorer, threshold)
            return SentenceCheck(body, "supported", support, cited=True, own_marker=_own(claim)), _as_cited(claim), used
    better = _best_source(body, said, sources, scorer, threshold)
    if better and not claim.cited and better[1] < max(threshold, ASSIGN_THRESHOLD):
        n, support, used = better
        reason = f"cites no source; the closest, [{n}], supports it only {support:.2f} (needs {ASSIGN_THRESHOLD:.2f})"
        check = SentenceCheck(body, "unverified", support, (), reason)
        return check, f"{UNVERIFIED} {_with_markers(body, [n])}", used
    if better:
        n, support, used = better
        status = "corrected" if claim.cited else "cited"
        check = SentenceCheck(body, status, support, cited=bool(claim.cited), own_marker=_own(claim))
        return check, _with_markers(body, [n]), used
    if not claim.cited:
        reason = "cites no source, and no source states it"
        return SentenceCheck(body, "removed", 0.0, tuple(said), reason), "", {}
    if not absent:
        reason = f"support {support:.2f} (needs {threshold:.2f}) or too few of its words in the source"
        check = SentenceCheck(body, "unverified", support, (), reason, cited=True, own_marker=_own(claim))
        return check, f"{UNVERIFIED} {_as_cited(claim)}", used
    reason = "the cited source does not state: " + ", ".join(a.removeprefix(SUBJECT) for a in absent)
    check = SentenceCheck(body, "removed", support, tuple(absent), reason, cited=True, own_marker=_own(claim))
    return check, "", {}


def _only_supporting(claim: _Claim, said: list[str], sources, scorer: _Scorer, threshold: float) -> _Claim:
    """Of several cited sources, keep those that support the sentence on their own (if any do):
    "raised X with Gantz [1][2][3]" should not cite two press briefings that only mention X."""
    if len(claim.cited) < 2:
        return claim
    alone = [n for n in claim.cited if not missing(said, source_text(sources[n - 1]))]
    alone = [n for n in alone if scorer.support(claim.body, [n])[0] >= threshold and scorer.covered(claim.body, [n])]
    if not alone or alone == claim.cited:
        return claim
    return replace(claim, cited=alone, original=_with_markers(claim.body, alone), inherited=False)


def _own(claim: _Claim) -> bool:
    return bool(claim.cited) and not claim.inherited


def _as_cited(claim: _Claim) -> str:
    """A bullet as written ("2024-12-23, Trend: <quote>. [1]"); a prose sentence with its own
    markers once, before its full stop (also when its paragraph's closing marker covered it)."""
    return claim.original if claim.bullet or not claim.cited else _with_markers(claim.body, claim.cited)


def _best_source(body: str, said: list[str], sources: list[Passage], scorer: _Scorer, threshold: float):
    best = None
    for n, passage in enumerate(sources, start=1):
        if missing(said, source_text(passage)):
            continue
        support, used = scorer.support(body, [n])
        if support >= threshold and scorer.covered(body, [n]) and (best is None or support > best[1]):
            best = (n, support, used)
    return best


def _with_markers(body: str, numbers: list[int]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    if body[-1:] in ".!?":
        return f"{body[:-1]} {marks}{body[-1]}"
    return f"{body} {marks}"
