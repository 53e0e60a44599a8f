"""Saved conversations: a SQLite file in the data folder, so they survive a restart.

Each message is stored with the answer's full record (text, citations, verifier checks) so a
reopened conversation shows its sources again. Nothing about the backend's credentials is
stored: an :class:`~rag.answer.base.Answer` holds no key, and settings are never written here.

>>> import tempfile, pathlib
>>> book = Conversations(pathlib.Path(tempfile.mkdtemp()))
>>> cid = book.save(None, [{"role": "user", "content": "What about Serbia?"}])
>>> [(c.title, c.messages) for c in book.list()]
[('What about Serbia?', 1)]
>>> book.rename(cid, "Serbia"); book.load(cid)[0]["content"], book.list()[0].title
('What about Serbia?', 'Serbia')
>>> book.delete(cid); book.list()
[]
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rag.answer.base import Answer
from rag.answer.citations import Citation
from rag.answer.decision import Decision
from rag.answer.verify import SentenceCheck

FILE_NAME = "conversations.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id INTEGER PRIMARY KEY, title TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    conversation INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, answer TEXT,
    PRIMARY KEY (conversation, position));
"""


@dataclass(frozen=True)
class Saved:
    id: int
    title: str
    updated: float  # seconds since the epoch
    messages: int


def answer_from_dict(data: dict) -> Answer:
    """An :class:`Answer` back from :meth:`Answer.as_dict` (checks and citations included)."""
    keys = ("question", "answer", "backend", "notice", "as_of", "retrieved", "understood")
    answer = Answer(**{k: data[k] for k in keys if k in data})
    if data.get("decision"):
        decided = data["decision"]
        answer.decision = Decision(
            decided["outcome"],
            decided.get("reason", ""),
            closest=decided.get("closest", []),
            missing=tuple(decided.get("missing", ())),
        )
    answer.citations = [Citation(**c) for c in data.get("citations", [])]
    answer.checks = [SentenceCheck(**{**c, "missing": tuple(c.get("missing", ()))}) for c in data.get("checks", [])]
    return answer


def title_of(messages: list[dict]) -> str:
    first = next((m["content"] for m in messages if m["role"] == "user"), "Conversation")
    return " ".join(first.split())[:80]


class Conversations:
    """All saved conversations of one data folder; safe to share between the UI's threads."""

    def __init__(self, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(data_dir / FILE_NAME), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(_SCHEMA)

    def save(self, conversation: int | None, messages: list[dict]) -> int:
        """Store ``messages`` (``{"role", "content", "answer"?}``) as the conversation; returns its id."""
        rows = [
            (i, m["role"], m["content"], json.dumps(m["answer"].as_dict()) if m.get("answer") else None)
            for i, m in enumerate(messages)
        ]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                if conversation is None or not self._exists(conversation):
                    cursor = self._db.execute(
                        "INSERT INTO conversations(title, updated) VALUES (?, ?)", (title_of(messages), time.time())
                    )
                    conversation = cursor.lastrowid
                self._db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (time.time(), conversation))
                self._db.execute("DELETE FROM messages WHERE conversation = ?", (conversation,))
                self._db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?)", [(conversation, *r) for r in rows])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return conversation

    def _exists(self, conversation: int) -> bool:
        return self._db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation,)).fetchone() is not None

    def list(self) -> list[Saved]:
        """Newest first."""
        sql = """SELECT c.id, c.title, c.updated, COUNT(m.position) FROM conversations c
                 LEFT JOIN messages m ON m.conversation = c.id GROUP BY c.id ORDER BY c.updated DESC, c.id DESC"""
        with self._lock:
            return [Saved(*row) for row in self._db.execute(sql)]

    def load(self, conversation: int) -> list[dict]:
        sql = "SELECT role, content, answer FROM messages WHERE conversation = ? ORDER BY position"
        with self._lock:
            rows = self._db.execute(sql, (conversation,)).fetchall()
        messages = []
        for role, content, answer in rows:
            message = {"role": role, "content": content}
            if answer:
                message["answer"] = answer_from_dict(json.loads(answer))
            messages.append(message)
        return messages

    def rename(self, conversation: int, title: str) -> None:
        title = " ".join(title.split())[:120]
        if not title:
            raise ValueError("a conversation needs a title: type one")
        with self._lock:
            self._db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation))

    def delete(self, conversation: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation,))
