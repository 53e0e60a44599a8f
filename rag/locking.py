"""One ingest at a time per data folder: a second one stops with a clear message.

Two ingests writing the same documents would race on "delete old chunks, add new ones". The
lock is an advisory ``flock`` on ``<data dir>/ingest.lock`` (released by the OS if the process
dies, so a crash never leaves it stuck). With a shared Chroma server, run ingests from one
machine (or one data folder).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


class IngestBusy(RuntimeError):
    """Another ingest holds the data folder."""


@contextmanager
def ingest_lock(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IngestBusy(
                f"another ingest is running in {data_dir} (pid {holder}): wait for it to finish, "
                "or use another --data-dir"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
