"""A bounded, thread-safe least-recently-used map: the UI's sessions share one ``Assistant``
from their own threads, and what it remembers (document texts, sentence vectors) must neither
grow without bound nor be read half-written.

>>> seen = Lru(2)
>>> seen.put("a", 1); seen.put("b", 2); seen.get("a"); seen.put("c", 3)
1
>>> seen.get("b") is None, seen.get("a"), len(seen)
(True, 1, 2)

``size`` weighs each value, so the bound can be in bytes (an embedder's vectors are 1.5 kB or 12 kB):

>>> sized = Lru(10, size=len)
>>> sized.put("a", "12345"); sized.put("b", "123456"); sized.get("a") is None, sized.get("b")
(True, '123456')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class Lru:
    def __init__(self, limit: int, size: Callable[[Any], int] = lambda value: 1):
        self.limit, self.size = limit, size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        """The value, now the most recently used; ``None`` if not remembered."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if key in self._items:
                self._used -= self.size(self._items.pop(key))
            self._items[key] = value
            self._used += self.size(value)
            while self._used > self.limit and len(self._items) > 1:
                self._used -= self.size(self._items.popitem(last=False)[1])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._used = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
