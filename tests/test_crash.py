"""Crash consistency: an ingest killed at any point, then rerun, leaves an exact, consistent index.

The subprocess test runs the real CLI (``python -m rag ingest``) with batches of 8 documents, so
a 50-document slice has seven commit points to be killed around, and SIGKILLs it several times:
at random moments, and just after the index files change (mid-write). Each batch waits
``PAUSE`` seconds first, so a run outlasts the kill times on a fast CPU as on a slow one (CI
once ran the whole slice in under a random 0.5–6 s and no kill landed), and a run that does
finish gets new documents for the next one, so later kills still have work to interrupt.
The in-process test replays the narrowest window deterministically: the store written, the
keyword index not yet.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, shared_file

from rag.factory import make_keyword_index, make_store
from rag.ingest import Ingestor
from rag.loaders import iter_documents
from rag.settings import load_settings
from rag.store import chunk_id
from rag.text import chunk_spans

BATCH = 8
PAUSE = 0.6
RUN_CLI = (
    "import runpy, sys, time; import rag.ingest; rag.ingest.BATCH_DOCUMENTS = int(sys.argv.pop(1)); "
    "pause = float(sys.argv.pop(1)); write = rag.ingest.Ingestor._write_batch; "
    "rag.ingest.Ingestor._write_batch = lambda self, *a: (time.sleep(pause), write(self, *a))[1]; "
    "sys.argv[0] = 'rag'; runpy.run_module('rag', run_name='__main__')"
)


def readout_lines() -> list[str]:
    return shared_file("wh_foreign_readouts.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


def crash_slice(target: Path) -> Path:
    """48 short readouts plus two lines with identical text (stored once, first wins)."""
    lines = readout_lines()
    target.write_text("".join(lines[250:298] + lines[12:14]), encoding="utf-8")
    return target


def grow(source: Path, more: int) -> None:
    """Give a finished run's source ``more`` new readouts, so the next run has work to be killed in.

    They come from past the slice's lines (250–297), further on each time the source has grown."""
    have = len(source.read_text(encoding="utf-8").splitlines())
    with source.open("a", encoding="utf-8") as out:
        out.writelines(readout_lines()[300 + have : 300 + have + more])


def expected_chunks(path: Path) -> dict[str, str]:
    """``chunk id -> text`` a clean ingest stores: documents deduplicated by text, first wins."""
    chunks, seen = {}, set()
    for doc in iter_documents([path]):
        if doc.text_hash() in seen:
            continue
        seen.add(doc.text_hash())
        chunks.update((chunk_id(doc.doc_id, c.index), c.text) for c in chunk_spans(doc.text, 1000))
    return chunks


def ingest_process(path: Path, data_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))}
    command = [sys.executable, "-c", RUN_CLI, str(BATCH), str(PAUSE), "ingest", str(path), "--data-dir", str(data_dir)]
    return subprocess.Popen(
        [*command, "--no-progress"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def files_state(folder: Path) -> dict:
    state = {}
    for file in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # sqlite journals come and go
            state[file] = (file.stat().st_mtime_ns, file.stat().st_size)
    return state


def kill_after_write(process: subprocess.Popen, data_dir: Path, rng: random.Random, timeout: float = 30) -> bool:
    """SIGKILL shortly (0–0.3 s) after the index files change once the run has started; False if it finished."""
    time.sleep(2.5)  # imports and the embedder; the startup's own writes are over by then
    before, deadline = files_state(data_dir), time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if files_state(data_dir) != before:
            time.sleep(rng.uniform(0, 0.3))
            break
        time.sleep(0.02)
    return kill(process)


def kill_at_random(process: subprocess.Popen, rng: random.Random) -> bool:
    time.sleep(rng.uniform(0.5, 4.0))
    return kill(process)


def kill(process: subprocess.Popen) -> bool:
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def finish(path: Path, data_dir: Path) -> str:
    process = ingest_process(path, data_dir)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return out.decode()


def assert_consistent(data_dir: Path, embeddings, expected: dict[str, str]) -> None:
    settings = load_settings(data_dir=data_dir, backend="extractive")
    store = make_store(settings, embeddings)
    got = store.chunks.get(include=["documents", "metadatas"])
    assert sorted(got["ids"]) == sorted(expected), "chunk ids differ from a clean ingest"
    assert len(got["ids"]) == len(set(got["ids"]))
    texts = {}
    for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
        if meta["doc_id"] not in texts:
            texts[meta["doc_id"]] = store.document(meta["doc_id"])[0]
        assert text == expected[cid] == texts[meta["doc_id"]][meta["start"] : meta["end"]], cid
    assert store.stats() == {"documents": len({cid.rpartition("#")[0] for cid in expected}), "chunks": len(expected)}
    probe = store.chunks.get(ids=[got["ids"][0]], include=["embeddings"])["embeddings"][0]
    nearest = store.chunks.query(query_embeddings=[probe], n_results=len(expected), include=[])
    assert sorted(nearest["ids"][0]) == sorted(expected), "the vector index does not hold exactly the stored chunks"
    with sqlite3.connect(make_keyword_index(settings).path) as keyword:
        keyword_ids = [row[0] for row in keyword.execute("SELECT chunk_id FROM chunks")]
        keyword_hashes = dict(keyword.execute("SELECT doc_id, hash FROM documents"))
    assert sorted(keyword_ids) == sorted(expected), "the keyword index and Chroma disagree on chunk ids"
    assert keyword_hashes == store.document_hashes()


def test_killed_ingests_rerun_to_an_exact_consistent_index(tmp_path, embeddings):
    source = crash_slice(tmp_path / "slice.jsonl")
    data_dir = tmp_path / "index"
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_text("".join(source.read_text(encoding="utf-8").splitlines(keepends=True)[:12]), encoding="utf-8")
    finish(prefix, data_dir)  # a completed earlier ingest: its keyword index has synced once
    seed = random.randrange(10**6)
    rng, kills, finished = random.Random(seed), 0, 0
    for attempt in range(10):
        if kills >= 4:
            break
        process = ingest_process(source, data_dir)
        killed = kill_at_random(process, rng) if attempt % 3 == 0 else kill_after_write(process, data_dir, rng)
        kills += killed
        if not killed:
            assert process.returncode == 0, process.stderr.read().decode()
            finished += 1
            grow(source, 24)
    print(f"seed {seed}: {kills} kills, {finished} runs finished before their kill")
    assert kills >= 4, f"only {kills} kills landed (seed {seed})"
    summary = finish(source, data_dir)
    assert "0 failed" in summary
    assert_consistent(data_dir, embeddings, expected_chunks(source))


def test_crash_between_store_and_keyword_writes_is_repaired_on_rerun(settings, embeddings, tmp_path):
    """Documents reached Chroma but not the keyword index, then the rerun skips them as unchanged."""
    paths = []
    for number, text in enumerate(["Ministers met in Vienna on gas.", "Talks in Oslo on fisheries.", "Air links."]):
        paths.append(tmp_path / f"{number}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    store, keyword = make_store(settings, embeddings), make_keyword_index(settings)
    Ingestor(store, embeddings, keyword).ingest(paths[:1], progress=False)

    class Killed(BaseException):
        pass

    def crash(*args):
        raise Killed

    dying = make_keyword_index(settings)
    dying.replace = crash
    with pytest.raises(Killed):
        Ingestor(store, embeddings, dying).ingest(paths, progress=False)
    report = Ingestor(store, embeddings, keyword).ingest(paths, progress=False)
    assert report.skipped == 3
    expected = sorted(store.chunks.get(include=[])["ids"])
    assert len(expected) == 3
    assert sorted(keyword.hashes()) == sorted(store.document_hashes())
    assert sorted(hit[0] for hit in keyword.search("Oslo fisheries air links Vienna", 10)) == expected
