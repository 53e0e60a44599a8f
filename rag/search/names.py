"""Names however they are spelled: countries, people and the titles officials abbreviate.

A question names a counterpart the way its writer knows it ("Aliev", "Zelensky", "kenya pres",
"Armenia's top diplomat") and a document the way its outlet spells it ("Aliyev", "Zelenskyy",
"Kenyan President", "Foreign Minister Mirzoyan"). One unmatched spelling used to sink a whole
answer, so matching here allows the variants a reader would:

- **Countries** come from countryinfo's table (MIT): names, other spellings and demonyms, plus
  the abbreviations diplomats use (``US``, ``DPRK``, ``UAE``). Forms must match exactly after
  transliteration: "Austria" is never "Australia" (one letter different in nine).
- **People** are matched on the last word of their name, equal after transliteration (anyascii:
  "Vučić" = "Vucic") or with the same first letter and a few letters different (rapidfuzz's
  Levenshtein distance: one for names of five to seven letters, two up to eleven, three beyond):
  "Aliev" ~ "Aliyev", "Zelensky" ~ "Zelenskyy", "Wickramasinghe" ~ "Wickremesinghe",
  "Zurabishvili" ~ "Zourabichvili"; not "Vucic" ~ "Vucevic" (two letters in five), who is another
  man, and never short names ("Ruto" is not "Rutte").
- **Titles** typed as abbreviations or described ("PM", "SecState", "FM", "head of state", "top
  diplomat") are written out by :func:`expand` before anything else reads the question.

>>> expand("secstate call w/ kenya pres re e. congo")
'Secretary of State call with kenya President about e. congo'
>>> expand("What did Armenia's top diplomat and the US top diplomat discuss?")
"What did Armenia's Foreign Minister and the Secretary of State discuss?"
>>> country_key("Azeri"), country_key("DPRK"), country_key("us"), country_key("US")
('azerbaijan', 'north korea', None, 'united states')
>>> sorted(names_in("President Aliyev of Azerbaijan met Zelenskyy.", ["aliev", "zelensky", "azerbaijan"]))
['aliev', 'azerbaijan', 'zelensky']
>>> names_in("Prime Minister Vucevic spoke.", ["vucic"]), names_in("Austrian officials", ["australia"])
(set(), set())
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

FUZZY_MIN_LENGTH = 5  # shorter names must match exactly ("Ruto" is not "Rutte")


def _edits_allowed(length: int) -> int:
    """Letters a name of ``length`` may differ by and still be the same name spelled otherwise."""
    return 0 if length < FUZZY_MIN_LENGTH else 1 if length < 8 else 2 if length < 12 else 3


def fold(text: str) -> str:
    """Lower case ASCII, straight apostrophes: ``"Vučić’s" -> "vucic's"``."""
    if not text.isascii():
        text = anyascii(text.replace("’", "'"))
    return text.lower()


# The abbreviations and descriptions officials type, written out (case-insensitive, whole words).
# A description of the U.S. side's top diplomat is the Secretary of State, anyone else's is a
# foreign minister.
_US = r"(?:u\.?s\.?a?|american|america's|washington's|the united states'?)"
_EXPANSIONS: list[tuple[str, str]] = [
    (rf"\b(?:the\s+)?(?:{_US}\s+top diplomat|top {_US}\s+diplomat|{_US}\s+chief diplomat)", "the Secretary of State"),
    (r"\b(?:top|chief) diplomat", "Foreign Minister"),
    (r"\bheads? of state\b", "President"),
    (r"\bheads? of government\b|\bpremier\b", "Prime Minister"),
    (r"\bsec(?:retary)?[ .]?state\b", "Secretary of State"),
    (r"\bsec(?:retary)?[ .]?def\b", "Secretary of Defense"),
    (r"\bsec[ -]?gen\b|\bun ?sg\b", "Secretary-General"),
    (r"\bvpotus\b|\bvp\b|\bveep\b", "Vice President"),
    (r"\bpotus\b", "the President"),
    (r"\bdfms?\b", "Deputy Foreign Minister"),
    (r"\bfms\b", "Foreign Ministers"),
    (r"\bfm\b", "Foreign Minister"),
    (r"\bpms\b", "Prime Ministers"),
    (r"\bpm\b", "Prime Minister"),
    (r"\bpdnsa\b", "Principal Deputy National Security Advisor"),
    (r"\bnsa\b(?=\s+(?-i:[A-Z])|'s\b|\s+and\b)", "National Security Advisor"),
    (r"\bdpms?\b", "Deputy Prime Minister"),
    (r"\bdep\.? ?sec\b\.?", "Deputy Secretary"),
    (r"\bsec\b\.?(?=\s+[A-Z])", "Secretary"),
    (r"\bmsgs?\b", "message"),
    (r"\badmin\b", "administration"),
    (r"\becon\b", "economic"),
    (r"\balu\b", "aluminum"),
    (r"\bmfa\b", "Foreign Ministry"),
    (r"\bunsc\b", "UN Security Council"),
    (r"\bunga\b", "UN General Assembly"),
    (r"\bpres\b\.?", "President"),
    (r"\bpresidents\b|\bprez\b", "President"),
    (r"\bamb\b\.?", "Ambassador"),
    (r"\bmin\b\.?", "Minister"),
    (r"\bdep\b\.?", "Deputy"),
    (r"\bgovt?\b\.?|\bgov't\b", "government"),
    (r"\bmtgs\b", "meetings"),
    (r"\bmtg\b", "meeting"),
    (r"\bconvo\b", "conversation"),
    (r"\bintl\b", "international"),
    (r"\bnatl\b", "national"),
    (r"\basst\b\.?", "Assistant"),
    (r"(?<!\w)b/w(?!\w)", "between"),
    (r"\babt\b", "about"),
    (r"(?<!\w)w/(?=\s|$)|(?<!\w)w/(?=\w)|\bw\b(?=\s+\w)", "with"),
    (r"(?<!\w)re:|\bre\b(?=\s+\w)", "about"),
]
_EXPANSION_PATTERNS = [(re.compile(pattern, re.I), text) for pattern, text in _EXPANSIONS]


def expand(question: str) -> str:
    """The question with officials' abbreviations and descriptions of titles written out."""
    for pattern, text in _EXPANSION_PATTERNS + _INITIAL_PATTERNS:
        question = pattern.sub(text, question)
    return question


# Forms countryinfo lacks or spells otherwise; two- and three-letter forms count only in capitals.
# Leaders officials call by their initials.
_INITIALS = [
    (r"\bAMLO\b", "López Obrador"),
    (r"\bMBS\b", "Mohammed bin Salman"),
    (r"\bMBZ\b", "Mohamed bin Zayed"),
]
_INITIAL_PATTERNS = [(re.compile(pattern, re.I), text) for pattern, text in _INITIALS]

_ALIASES = {
    "united states": ["us", "u.s", "u.s.", "usa", "u.s.a.", "america", "american", "americans"],
    "united kingdom": ["uk", "u.k.", "britain", "great britain", "brits"],
    "united arab emirates": ["uae", "emirates", "emirati"],
    "north korea": ["dprk", "n. korea"],
    "south korea": ["rok", "s. korea"],
    "china": ["prc"],
    "saudi arabia": ["ksa", "saudi", "saudis"],
    "democratic republic of the congo": ["drc", "congo-kinshasa"],
    "azerbaijan": ["azeri", "azeris"],
    "turkey": ["turkiye", "turks"],
    "myanmar": ["burma"],
    "czech republic": ["czechia"],
    "ivory coast": ["cote d'ivoire"],
    "republic of macedonia": ["north macedonia", "macedonia"],
    "vatican city state": ["holy see", "vatican"],
    "kosovo": ["kosovo", "kosovar", "kosovan"],
    "israel": ["israelis"],
    "palestine": ["palestinians", "palestinian territories", "west bank", "gaza"],
}
# Capitals countryinfo lacks or spells otherwise, and the seats of government a country is named by.
_CAPITALS = {
    "pristina": "kosovo",
    "washington": "united states",
    "kremlin": "russia",
    "elysee": "france",
    "downing": "united kingdom",
    "whitehall": "united kingdom",
    "zhongnanhai": "china",
    "pentagon": "united states",
    "foggy bottom": "united states",
    "oval office": "united states",
    "oval": "united states",
    "blue house": "south korea",
    "quai d'orsay": "france",
}
_LOWER_CASE_CODES = frozenset(["uae", "drc", "prc", "rok", "ksa", "usa"])  # no English word: lower case is typing
_CAPITALS_ONLY = 3  # forms this short ("US", "UAE") are words in lower case ("us") unless capitalised


@lru_cache(maxsize=1)
def _countries() -> list[dict]:
    """countryinfo's records, most populous first: a form two entries claim ("American", "Chinese")
    belongs to the larger country, not to the Northern Mariana Islands or Macau."""
    import countryinfo

    records = [country.info() for country in countryinfo.all_countries()]
    return sorted(records, key=lambda info: -(info.get("population") or 0))


@lru_cache(maxsize=2)
def _country_table(capitalised: bool = True) -> dict[str, str]:
    """Folded form → the country's key (its folded name), from countryinfo plus :data:`_ALIASES`.
    Other spellings (often the country's own name for itself: Iceland's "Ísland") count only as
    written in capitals; in lower case "island" is a word."""
    table: dict[str, str] = {}
    for info in _countries():
        key = fold(info["name"]).removeprefix("the ")
        forms = [info["name"], *str(info.get("demonym") or "").split(",")]
        forms += list(info.get("altSpellings") or []) if capitalised else []
        for form in forms:
            folded = " ".join(fold(form).split()).removeprefix("the ")
            if len(folded) > _CAPITALS_ONLY and folded not in table:
                table[folded] = key
    for key, forms in _ALIASES.items():
        for form in forms:
            table[form] = key
    return table


@lru_cache(maxsize=1)
def _capital_table() -> dict[str, str]:
    """Folded capital city → its country's key: "Pristina's premier" is Kosovo's."""
    table: dict[str, str] = {}
    for info in _countries():
        capital = info.get("capital")
        if isinstance(capital, str) and len(capital) > _CAPITALS_ONLY:
            table.setdefault(fold(capital), fold(info["name"]).removeprefix("the "))
    return table | _CAPITALS


def capital_of(word: str) -> str | None:
    """The country whose capital ``word`` is, if it is one.

    >>> capital_of("Pristina"), capital_of("Beijing"), capital_of("Biden")
    ('kosovo', 'china', None)
    """
    return _capital_table().get(" ".join(fold(word).split()))


def country_key(phrase: str) -> str | None:
    """The country a word or phrase names (its name, another spelling, its people), if any.

    Short forms ("US", "UK", "DRC") count only when written in capitals: "us" is a pronoun.
    """
    folded = " ".join(fold(phrase).strip(" .,;:?!").split())
    folded = re.sub(r"'s?$", "", folded)
    short = len(folded.replace(".", "")) <= _CAPITALS_ONLY
    if short and not phrase.replace(".", "").isupper() and folded not in _LOWER_CASE_CODES:
        return None
    table = _country_table(capitalised=phrase[:1].isupper())
    return table.get(folded) or table.get(folded.rstrip("s") if folded.endswith("ns") else "")


_TOKEN = re.compile(r"[A-Za-zÀ-ž][\w'’.]*")  # "US-China" is two countries; "Bosnia-Herzegovina" one phrase


def countries_in(text: str, longest: int = 4) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` of each country the text names, longest phrase first, left to right.

    >>> [k for _, _, k in countries_in("calls w south korean and Saudi FMs, not us")]
    ['south korea', 'saudi arabia']
    """
    tokens = [(m.start(), m.end(), m.group(0).rstrip(".'’")) for m in _TOKEN.finditer(text)]
    found, i = [], 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            phrase = text[start:end].rstrip(".'’")
            phrase = re.sub(r"['’]s$", "", phrase)
            key = country_key(phrase)
            if key:
                found.append((start, end, key))
                i += n
                break
        else:
            i += 1
    return found


@lru_cache(maxsize=512)
def _forms_of(key: str) -> tuple[str, ...]:
    """Every folded form that names country ``key`` (empty for anything that is not a country)."""
    return tuple(sorted({f for f, k in _country_table().items() if k == key}, key=len, reverse=True))


def country_forms(word: str) -> list[str]:
    """The forms of the country ``word`` names that FTS5 can search as a prefix (letters and
    spaces only), longest first; ``[]`` if it names none.

    >>> country_forms("kenya")
    ['republic of kenya', 'jamhuri ya kenya', 'kenyan', 'kenya']
    """
    key = country_key(word)
    return [f for f in _forms_of(key) if re.fullmatch(r"[a-z ]+", f)] if key else []


@lru_cache(maxsize=4096)
def _country_pattern(key: str) -> re.Pattern:
    forms = [re.escape(f) for f in _forms_of(key) if len(f.replace(".", "")) > _CAPITALS_ONLY]
    return re.compile(r"(?<![\w])(?:" + "|".join(forms) + r")(?:s|'s)?(?![\w])")


@lru_cache(maxsize=4096)
def _short_pattern(key: str) -> re.Pattern | None:
    """The country's capitals-only forms ("US", "U.S."), matched in the unfolded text."""
    short = [f for f in _forms_of(key) if len(f.replace(".", "")) <= _CAPITALS_ONLY]
    if not short:
        return None
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f.upper()) for f in short) + r")(?![\w])")


_SUFFIXES = frozenset(["", *"s es n ns an ans ian ians ean eans ese i is ic ish ite ites ia land istan vian".split()])


def same_name(term: str, word: str) -> bool:
    """One name and its adjective: ``kenya ~ kenyan``, ``lebanon ~ lebanese``; not
    ``amir ~ amir-abdollahian`` (another word after a hyphen) nor ``niger ~ nile``.

    >>> [same_name(a, b) for a, b in [("kenya", "kenyan"), ("lebanon", "lebanese"), ("amir", "amir-abdollahian")]]
    [True, True, False]
    """
    common = 0
    for a, b in zip(term, word, strict=False):
        if a != b:
            break
        common += 1
    shorter, longer = sorted((term, word), key=len)
    if common == len(shorter):
        return longer[common:] in _SUFFIXES
    return common >= max(5, len(shorter) - 2)


def similar_name(term: str, word: str) -> bool:
    """A person's name spelled another way: equal, an adjective of it, or with the same first
    letter and at most :func:`_edits_allowed` letters different.

    >>> [similar_name("aliev", w) for w in ("aliyev", "aliyeva", "alieva")]
    [True, False, True]
    >>> similar_name("vucic", "vucevic"), similar_name("ruto", "rutte"), similar_name("zelensky", "zelenskyy")
    (False, False, True)
    >>> similar_name("wickramasinghe", "wickremesinghe"), similar_name("zurabishvili", "zourabichvili")
    (True, True)
    >>> similar_name("busaidi", "albusaidi"), similar_name("al-busaidi", "busaidi")
    (True, True)
    """
    if same_name(term, word):
        return True
    for article in ("al", "el"):  # "al-Busaidi", "Albusaidi", "Busaidi"
        if word.startswith(article) and not term.startswith(article) and len(word) > len(article) + 3:
            return similar_name(term, word[len(article) :].lstrip("-"))
        if term.startswith(article) and not word.startswith(article) and len(term) > len(article) + 3:
            return similar_name(term[len(article) :].lstrip("-"), word)
    if term[0] != word[0]:
        return False
    allowed = _edits_allowed(min(len(term), len(word)))
    return allowed > 0 and Levenshtein.distance(term, word, score_cutoff=allowed) <= allowed


@lru_cache(maxsize=4096)
def _prefix_pattern(term: str) -> re.Pattern:
    """Words that start like ``term`` (its first letter, two for short names), or hyphenated
    words with a part that does ("al-Alimi" for "Alimi"): candidates for :func:`similar_name`
    ("Zourabichvili" for "Zurabishvili")."""
    start = re.escape(term[: 1 if _edits_allowed(len(term)) else 2])
    return re.compile(rf"(?<![\w])(?:{start}[a-z'\-]*|[a-z']+-{start}[a-z'\-]*|[ae]l-?{start}[a-z'\-]*)")


_POSSESSIVE = re.compile(r"'s?$")


def named_at(lowered: str, term: str, original: str = "") -> Iterator[int]:
    """Where ``lowered`` (``fold(text)``) names ``term``: a country by any of its forms (in
    ``original``, the unfolded text, its capitals-only forms too), else a person's name by
    :func:`similar_name`. A multi-word term that is not a country is matched as a phrase."""
    if _forms_of(term):
        for match in _country_pattern(term).finditer(lowered):
            yield match.start()
        short = _short_pattern(term)
        if short is not None and original:
            for match in short.finditer(original):
                yield match.start()
        return
    if " " in term:
        for match in re.finditer(rf"(?<![\w]){re.escape(term)}", lowered):
            yield match.start()
        return
    for match in _prefix_pattern(term).finditer(lowered):
        word = _POSSESSIVE.sub("", match.group(0)).strip("-'")
        if similar_name(term, word) or ("-" in word and any(similar_name(term, p) for p in word.split("-") if p)):
            yield match.start()


def names_in(text: str, terms: Iterable[str]) -> set[str]:
    """The terms (folded names, see :func:`rag.lexical.key_terms`) that ``text`` names."""
    lowered = fold(text)
    return {term for term in terms if next(named_at(lowered, term, text), None) is not None}


def named_near(text: str, term: str, others: Iterable[str], window: int = 1500) -> bool:
    """Whether ``text`` names ``term`` within ``window`` characters of one of ``others``.

    >>> named_near("President Biden spoke with President Aliyev.", "biden", {"aliyev"})
    True
    >>> named_near("The Biden administration. " + "x " * 1000 + "President Aliyev's office.", "biden", {"aliyev"})
    False
    """
    lowered = fold(text)
    near = [at for other in others for at in named_at(lowered, other, text)]
    return any(abs(at - other_at) <= window for at in named_at(lowered, term, text) for other_at in near)
