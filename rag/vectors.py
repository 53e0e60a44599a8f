"""Exact nearest chunks within a period or a set of documents, scored in numpy.

Chroma's HNSW finds the nearest chunks of the whole archive in ~5 ms at 100k chunks, but a
search restricted to a period is slow there: among a list of ids it took 30–140 ms, with a
metadata filter 0.7 s at 150k chunks (docs/benchmarks.md, "Retrieval at scale"). A period rarely
holds more than a few thousand chunks, and scoring those exactly is a small matrix product.

The vectors come from the keyword index, which keeps every chunk's vector beside its keyword
postings. :class:`VectorTable` holds them as one float32 matrix (1.5 kB per chunk: 150 MB at
100k chunks), loaded on first use and then refreshed incrementally: chunks added since are
appended, deleted ones dropped; an unchanged file costs one ``PRAGMA`` per search.

>>> import tempfile, pathlib
>>> from rag.keyword import KeywordIndex
>>> index = KeywordIndex(pathlib.Path(tempfile.mkdtemp()) / "k.sqlite")
>>> index.replace("d1", "h", [("d1#0", "Serbia energy", 20240301, {}, [1.0, 0.0])])
>>> index.replace("d2", "h", [("d2#0", "Serbia tourism", 20240502, {}, [0.6, 0.8])])
>>> table = VectorTable(index)
>>> table.nearest([0.0, 1.0], k=5)
[('d2#0', 0.800000011920929), ('d1#0', 0.0)]
>>> table.nearest([0.0, 1.0], k=5, since=20240101, until=20240331)
[('d1#0', 0.0)]
>>> table.nearest([0.0, 1.0], k=5, since=20240101, until=20241231, limit=1) is None  # too many: caller decides
True
"""

from __future__ import annotations

import threading

import numpy as np

from rag.documents import FOREVER


class VectorTable:
    """The keyword index's chunk vectors as an in-memory matrix, kept in step with the file."""

    def __init__(self, index):
        self.index = index
        self._lock = threading.Lock()
        self._marker = None
        self._rowids = np.empty(0, dtype=np.int64)
        self._dates = np.empty(0, dtype=np.int64)
        self._chunk_ids: list[str] = []
        self._matrix = np.empty((0, 0), dtype=np.float32)
        self._has_vector = np.empty(0, dtype=bool)

    def complete(self) -> bool:
        """Whether every chunk of the index has a vector here (else callers ask Chroma)."""
        self._refresh()
        return bool(self._has_vector.all())

    def nearest(
        self, vector, k: int, since: int = 0, until: int = FOREVER, rowids: np.ndarray | None = None, limit=None
    ) -> list[tuple[str, float]] | None:
        """``(chunk_id, cosine)`` of the ``k`` nearest chunks dated in ``[since, until]``.

        ``rowids`` restricts the search to those chunks (a set of documents). None when more
        than ``limit`` chunks qualify: searching that many is no faster here than in Chroma.
        """
        self._refresh()
        with self._lock:
            mask = (self._dates >= since) & (self._dates <= until) & self._has_vector
            if rowids is not None:
                mask &= np.isin(self._rowids, rowids)
            positions = np.flatnonzero(mask)
            if limit is not None and len(positions) > limit:
                return None
            if len(positions) == 0:
                return []
            scores = self._matrix[positions] @ np.asarray(vector, dtype=np.float32)
            best = np.argsort(-scores, kind="stable")[:k] if len(scores) <= 4 * k else _top(scores, k)
            return [(self._chunk_ids[positions[i]], float(scores[i])) for i in best]

    def _refresh(self) -> None:
        marker = self.index.change_marker()
        if marker == self._marker:
            return
        with self._lock:
            newest = int(self._rowids[-1]) if len(self._rowids) else 0
            present = self.index.rowids(newest)
            if len(present) != len(self._rowids):  # chunks were deleted (or replaced) since
                self._keep(np.isin(self._rowids, present))
            self._append(self.index.vectors_after(newest))
            self._marker = marker

    def _keep(self, keep: np.ndarray) -> None:
        self._rowids, self._dates = self._rowids[keep], self._dates[keep]
        self._chunk_ids = [c for c, kept in zip(self._chunk_ids, keep, strict=True) if kept]
        self._matrix, self._has_vector = self._matrix[keep], self._has_vector[keep]

    def _append(self, rows: list[tuple[int, str, int, bytes | None]]) -> None:
        if not rows:
            return
        width = self._matrix.shape[1] or next((len(v) // 4 for *_, v in rows if v), 0)
        blank = bytes(4 * width)
        fresh = np.frombuffer(b"".join(v if v else blank for *_, v in rows), dtype=np.float32)
        held = self._matrix if self._matrix.shape[1] == width else np.zeros((len(self._rowids), width), np.float32)
        self._matrix = np.concatenate([held, fresh.reshape(len(rows), width)])
        self._rowids = np.concatenate([self._rowids, np.array([r[0] for r in rows], dtype=np.int64)])
        self._dates = np.concatenate([self._dates, np.array([r[2] or 0 for r in rows], dtype=np.int64)])
        self._has_vector = np.concatenate([self._has_vector, np.array([r[3] is not None for r in rows])])
        self._chunk_ids += [r[1] for r in rows]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (argpartition, then sort only those)."""
    part = np.argpartition(-scores, k)[:k]
    return part[np.argsort(-scores[part], kind="stable")]
