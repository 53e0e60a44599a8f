"""The keyword index: SQLite FTS5 (BM25 ranking) beside Chroma, kept in step by content hash.

It also keeps each chunk's metadata and vector, so a hit's text and citation fields are one
SQLite read away and a period's chunks can be scored in numpy (``rag.vectors``): Chroma's
id-filtered search and its document reads were most of retrieval's time at 100k chunks
(docs/benchmarks.md, "Retrieval at scale").

Chroma is the source of truth. This index is a derived, persisted cache in the data folder:
``sync()`` compares the document hashes it holds with the store's and re-indexes only the
documents that were added, changed or deleted. So it is incremental after an ingest, repairs
itself after a crash between the two writes, and works the same when Chroma is a shared server
(each app instance keeps its own keyword cache and syncs it).

>>> import tempfile, pathlib
>>> index = KeywordIndex(pathlib.Path(tempfile.mkdtemp()) / "k.sqlite")
>>> index.replace("d1", "h1", [("d1#0", "Energy cooperation with Serbia", 20241223)])
>>> index.replace("d2", "h2", [("d2#0", "Tourism and direct flights", 20241224)])
>>> [hit[0] for hit in index.search("serbian energy", 5)]
['d1#0']
>>> index.search("flights", 5, since=20250101)
[]
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from pathlib import Path

import numpy as np

from rag.documents import FOREVER
from rag.lexical import porter_stems

_TOKEN = re.compile(r"[A-Za-zÀ-ž0-9]+")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id TEXT UNIQUE, doc_id TEXT, date INTEGER, meta TEXT, vector BLOB
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_date ON chunks(date);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
"""
# Per connection: the index's vocabulary with each stem's chunk count. Query words are stemmed by
# the same tokenizer (rag.lexical.porter_stems), so "ministers" meets its stem "minist".
_QUERY_SCHEMA = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_stems USING fts5vocab(main, chunk_text, 'row');"
# In an index of at least SELECTIVE_FROM chunks, a word in more than COMMON_SHARE of them, or in
# more than COMMON_CHUNKS, is left out of the keyword query when rarer words remain: BM25 gives it
# little weight, yet FTS5 scores every chunk containing it, a cost that grows with the archive
# (docs/benchmarks.md, "Retrieval at scale"). Small indexes are cheap to search with every word.
COMMON_SHARE = 0.10
COMMON_CHUNKS = 3000
SELECTIVE_FROM = 5000


def query_terms(text: str) -> list[str]:
    """The searchable words of free text, once each, in order (no operators leak in from user text).

    >>> query_terms("Serbia's energy: Serbia")
    ['serbia', 'energy']
    """
    from rag.lexical import STOPWORDS

    return list(dict.fromkeys(t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1))


def fts_query(text: str) -> str:
    """Free text to an FTS5 OR-query of quoted terms.

    >>> fts_query("Serbia's energy")
    '"serbia" OR "energy"'
    """
    return or_query(query_terms(text))


def or_query(terms: list[str]) -> str:
    """Quoted terms joined by OR (quoting keeps FTS5 operators out)."""
    return " OR ".join(f'"{t}"' for t in terms)


def naming_query(text: str) -> str:
    """Every term, as a prefix or, for a country, any of its one-word forms (its people too).

    >>> naming_query("Kenya energy")
    '("kenya"* OR "republic of kenya"* OR "jamhuri ya kenya"* OR "kenyan"*) AND ("energy"*)'
    """
    from rag.lexical import STOPWORDS
    from rag.search.names import country_forms

    terms = [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]
    alternatives = [[t, *(f for f in country_forms(t) if f != t)] for t in dict.fromkeys(terms)]
    return " AND ".join("(" + " OR ".join(f'"{f}"*' for f in forms) + ")" for forms in alternatives)


class KeywordIndex:
    """BM25 over chunk texts; one SQLite file, safe to share between threads of one process."""

    selective_from = SELECTIVE_FROM

    def __init__(self, path: Path):
        self.path = path
        self._counts: dict[str, int] = {}  # stem -> chunks containing it, while no row is added
        self._counts_at, self._total = -1, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._writes = 0  # this connection's commits (PRAGMA data_version counts only other connections')
        with self._lock:
            self._upgrade()
            self._db.executescript(_SCHEMA)

    def _upgrade(self) -> None:
        """A file from before chunks kept metadata and vectors is emptied: ``sync`` rebuilds it.

        Rowids only grow (AUTOINCREMENT): ``rag.vectors`` tells added chunks from kept ones by rowid.
        """
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(chunks)")}
        if columns and "vector" not in columns:
            self._db.executescript(
                "DROP TABLE chunks; DROP TABLE IF EXISTS chunk_text; DROP TABLE IF EXISTS documents;"
                "DROP TABLE IF EXISTS state;"
            )

    def hashes(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT doc_id, hash FROM documents"))

    def replace(self, doc_id: str, content_hash: str, chunks: list[tuple]) -> None:
        """Atomically replace a document's chunks ``(chunk_id, text, date[, meta, vector])``.

        Chunks given without metadata and vector are searchable by keyword only; retrieval then
        reads them from Chroma.
        """
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._delete(doc_id)
                for chunk_id, text, date, *extra in chunks:
                    meta, vector = extra if extra else (None, None)
                    cursor = self._db.execute(
                        "INSERT INTO chunks(chunk_id, doc_id, date, meta, vector) VALUES (?, ?, ?, ?, ?)",
                        (chunk_id, doc_id, date, _meta_json(meta), _vector_bytes(vector)),
                    )
                    self._db.execute("INSERT INTO chunk_text(rowid, text) VALUES (?, ?)", (cursor.lastrowid, text))
                self._db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?)", (doc_id, content_hash))
                self._db.execute("COMMIT")
                self._writes += 1
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _delete(self, doc_id: str) -> None:
        self._db.execute("DELETE FROM chunk_text WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_id = ?)", (doc_id,))
        self._db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def delete(self, doc_id: str) -> None:
        with self._lock:
            self._delete(doc_id)
            self._writes += 1

    def chunk_rows(self, chunk_ids: list[str]) -> dict[str, tuple[str, dict, np.ndarray]]:
        """``chunk_id -> (text, metadata, vector)`` of the given chunks that were stored with both."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        sql = f"""SELECT chunks.chunk_id, chunk_text.text, chunks.meta, chunks.vector FROM chunks
                  JOIN chunk_text ON chunk_text.rowid = chunks.rowid
                  WHERE chunks.chunk_id IN ({marks}) AND chunks.vector IS NOT NULL"""
        with self._lock:
            rows = self._db.execute(sql, list(chunk_ids)).fetchall()
        return {c: (text, json.loads(meta), np.frombuffer(vector, dtype=np.float32)) for c, text, meta, vector in rows}

    def change_marker(self) -> tuple[int, int]:
        """Differs after any commit to the file, by this connection or another process's."""
        with self._lock:
            return self._db.execute("PRAGMA data_version").fetchone()[0], self._writes

    def vectors_after(self, rowid: int) -> list[tuple[int, str, int, bytes | None]]:
        """``(rowid, chunk_id, date, vector bytes or None)`` of the chunks added after ``rowid``."""
        with self._lock:
            sql = "SELECT rowid, chunk_id, date, vector FROM chunks WHERE rowid > ? ORDER BY rowid"
            return self._db.execute(sql, (rowid,)).fetchall()

    def rowids(self, up_to: int) -> np.ndarray:
        """The rowids still present up to ``up_to`` (deleted chunks are missing)."""
        with self._lock:
            rows = self._db.execute("SELECT rowid FROM chunks WHERE rowid <= ? ORDER BY rowid", (up_to,)).fetchall()
        return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))

    def rowids_of(self, doc_ids: set[str]) -> np.ndarray:
        """Rowids of these documents' chunks."""
        with self._lock:
            self._fill_wanted(doc_ids)
            rows = self._db.execute("SELECT rowid FROM chunks JOIN wanted USING (doc_id)").fetchall()
        return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))

    def _fill_wanted(self, doc_ids: set[str]) -> None:
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (doc_id TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(d,) for d in doc_ids])

    def selective_terms(self, terms: list[str]) -> list[str]:
        """``terms`` without those in more than ``COMMON_SHARE`` of the chunks (or ``COMMON_CHUNKS``).

        At least one word that occurs stays (the rarest), so a misspelt rare word cannot leave
        a query of nothing. Chunk counts per stem are cached until rows are added: reading one
        costs a pass over the word's postings, which is what leaving it out saves.
        """
        with self._lock:
            self._refresh_counts()
            if len(terms) < 2 or self._total < self.selective_from:
                return terms
            stems = self._stems(terms)
            self._count_stems({stem for _, stem in stems} - set(self._counts))
            share = [0.0] * len(terms)
            for number, stem in stems:
                share[number] = max(share[number], self._counts[stem] / self._total)
        most = min(COMMON_SHARE, COMMON_CHUNKS / self._total)
        kept = [t for t, s in zip(terms, share, strict=True) if s <= most]
        if not any(0 < s <= most for s in share):
            occurring = [(s, t) for s, t in zip(share, terms, strict=True) if s > 0]
            kept += [min(occurring)[1]] if occurring else []
        return [t for t in terms if t in kept]

    def absent(self, words: list[str], doc_ids: set[str]) -> dict[str, float]:
        """Of ``words``, those no chunk of ``doc_ids`` contains, each with the share of all chunks
        that do. Words are matched through the index's own tokenizer ("mines" meets "mining").

        >>> import tempfile, pathlib
        >>> index = KeywordIndex(pathlib.Path(tempfile.mkdtemp()) / "k.sqlite")
        >>> index.replace("d1", "h1", [("d1#0", "Energy cooperation with Serbia", 1)])
        >>> index.replace("d2", "h2", [("d2#0", "Lithium mining in Chile", 2)])
        >>> index.absent(["energy", "mines", "lithium", "bitcoin"], {"d1"})
        {'mines': 0.5, 'lithium': 0.5, 'bitcoin': 0.0}
        """
        with self._lock:
            self._refresh_counts()
            self._fill_wanted(doc_ids)
            sql = """SELECT 1 FROM chunk_text JOIN chunks ON chunks.rowid = chunk_text.rowid
                     JOIN wanted USING (doc_id) WHERE chunk_text MATCH ? LIMIT 1"""
            missing = [w for w in words if query_terms(w) and not self._db.execute(sql, (or_query([w]),)).fetchone()]
            stems = self._stems(missing)
            self._count_stems({stem for _, stem in stems} - set(self._counts))
            counts = dict.fromkeys(missing, 0)
            for number, stem in stems:
                counts[missing[number]] = max(counts[missing[number]], self._counts[stem])
        return {word: count / max(self._total, 1) for word, count in counts.items()}

    def shares(self, words: list[str]) -> dict[str, float]:
        """Each word's share of the chunks that contain it (through the index's tokenizer; a word
        of several stems counts by its most frequent)."""
        with self._lock:
            self._refresh_counts()
            stems = self._stems(words)
            self._count_stems({stem for _, stem in stems} - set(self._counts))
            counts = dict.fromkeys(words, 0)
            for number, stem in stems:
                counts[words[number]] = max(counts[words[number]], self._counts[stem])
        return {word: count / max(self._total, 1) for word, count in counts.items()}

    def chunk_count(self) -> int:
        with self._lock:
            self._refresh_counts()
            return self._total

    def _refresh_counts(self) -> None:
        """Forget cached chunk counts once rows were added (call under the lock)."""
        newest = self._db.execute("SELECT max(rowid) FROM chunks").fetchone()[0] or 0
        if self._counts_at != newest:
            self._counts, self._counts_at = {}, newest
            self._total = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def _stems(self, terms: list[str]) -> list[tuple[int, str]]:
        """``(position in terms, stem)``: the words through the index's own tokenizer."""
        return [(number, stem) for number, term in enumerate(terms) for stem in porter_stems(term)]

    def _count_stems(self, stems: set[str]) -> None:
        if stems:
            self._db.executescript(_QUERY_SCHEMA)
            marks = ",".join("?" * len(stems))
            found = self._db.execute(f"SELECT term, doc FROM temp.index_stems WHERE term IN ({marks})", sorted(stems))
            self._counts.update({stem: 0 for stem in stems} | dict(found))

    def search(self, text: str, k: int, since: int = 0, until: int = FOREVER) -> list[tuple[str, float]]:
        """``(chunk_id, bm25 score)`` best first (higher is better), within a date range."""
        terms = self.selective_terms(query_terms(text))
        if not terms:
            return []
        query = or_query(terms)
        sql = """SELECT chunks.chunk_id, -bm25(chunk_text) AS score FROM chunk_text
                 JOIN chunks ON chunks.rowid = chunk_text.rowid
                 WHERE chunk_text MATCH ? AND chunks.date BETWEEN ? AND ?
                 ORDER BY bm25(chunk_text) LIMIT ?"""
        with self._lock:
            return list(self._db.execute(sql, (query, since, until, k)))

    def samples(self, word: str, limit: int = 5) -> list[str]:
        """Texts of up to ``limit`` chunks containing ``word``: how the archive writes it."""
        terms = query_terms(word)
        if not terms:
            return []
        sql = "SELECT text FROM chunk_text WHERE chunk_text MATCH ? LIMIT ?"
        with self._lock:
            return [row[0] for row in self._db.execute(sql, (or_query(terms[:1]), limit))]

    def documents_naming(self, text: str) -> set[str]:
        """Documents with a chunk naming every term of ``text`` (a counterpart or topic), as the word,
        a word starting with it (Serbia: Serbian; Japan: Japanese) or its irregular adjective (France: French)."""
        query = naming_query(text)
        if not query:
            return set()
        sql = """SELECT DISTINCT chunks.doc_id FROM chunk_text JOIN chunks ON chunks.rowid = chunk_text.rowid
                 WHERE chunk_text MATCH ?"""
        with self._lock:
            return {row[0] for row in self._db.execute(sql, (query,))}

    def chunk_ids_of(self, doc_ids: set[str], since: int = 0, until: int = FOREVER) -> list[str]:
        """Ids of these documents' chunks dated in ``[since, until]`` (a filtered search runs among them)."""
        if not doc_ids:
            return []
        with self._lock:
            self._fill_wanted(doc_ids)
            rows = self._db.execute(
                "SELECT chunk_id FROM chunks JOIN wanted USING (doc_id) WHERE date BETWEEN ? AND ?", (since, until)
            ).fetchall()
        return [row[0] for row in rows]

    def any_in_range(self, since: int, until: int) -> bool:
        """Whether any chunk is dated in ``[since, until]`` (an index lookup, microseconds)."""
        with self._lock:
            found = self._db.execute("SELECT 1 FROM chunks WHERE date BETWEEN ? AND ? LIMIT 1", (since, until))
            return found.fetchone() is not None

    def chunk_ids_in_range(self, since: int, until: int, limit: int) -> list[str] | None:
        """Ids of the chunks dated in ``[since, until]``, or None when there are more than ``limit``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT chunk_id FROM chunks WHERE date BETWEEN ? AND ? LIMIT ?", (since, until, limit + 1)
            ).fetchall()
        return None if len(rows) > limit else [row[0] for row in rows]

    def generation(self) -> str | None:
        """The store generation last synced with, or None before the first sync."""
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = 'generation'").fetchone()
            return row[0] if row else None

    def set_generation(self, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO state VALUES ('generation', ?)", (value,))


def _meta_json(meta: dict | None) -> str | None:
    return None if meta is None else json.dumps(meta, ensure_ascii=False, separators=(",", ":"))


def _vector_bytes(vector) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def sync(index: KeywordIndex, store, batch: int = 64, force: bool = False) -> int:
    """Bring ``index`` in step with ``store``; returns how many documents were (re)indexed.

    The store's generation marker changes with every write, so an unchanged store costs one
    metadata read; otherwise (or when ``force``d, after an ingest) the document hashes are
    compared and only differences re-indexed.
    """
    generation = store.generation()
    if generation == index.generation() and not force:
        return 0
    stored = store.document_hashes()
    held = index.hashes()
    for doc_id in set(held) - set(stored):
        index.delete(doc_id)
    stale = [doc_id for doc_id, content_hash in stored.items() if held.get(doc_id) != content_hash]
    for first in range(0, len(stale), batch):
        ids = stale[first : first + batch]
        chunks = store.chunks_of(ids)
        for doc_id in ids:
            index.replace(doc_id, stored[doc_id], chunks.get(doc_id, []))
    index.set_generation(generation)
    return len(stale)
