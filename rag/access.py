"""Who may use the app: an optional shared password, checked in constant time, slowed after failures.

The password comes from ``RAG_APP_PASSWORD`` or Streamlit secrets (``app_password``); when neither
is set the app is open (it listens on 127.0.0.1 only by default). Digests of both sides are
compared with :func:`hmac.compare_digest`, so neither the content nor the length of the password
leaks through timing; each failed attempt waits longer (capped), so guessing online is slow.

>>> gate = PasswordGate("s3cret", sleep=lambda seconds: None)
>>> gate.check("wrong"), gate.failures, gate.check("s3cret"), gate.failures
(False, 1, True, 0)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable, Mapping

PASSWORD_VARIABLE = "RAG_APP_PASSWORD"
SECRET_NAME = "app_password"
BASE_DELAY = 1.0  # seconds after the first failure, doubled after each further one
MAX_DELAY = 8.0


def configured_password(secrets: Mapping | None = None, environ: Mapping | None = None) -> str | None:
    """The password to require, or None when access is open (the environment wins over secrets)."""
    environ = os.environ if environ is None else environ
    value = environ.get(PASSWORD_VARIABLE) or (secrets or {}).get(SECRET_NAME)
    return str(value) if value else None


def same_password(given: str, expected: str) -> bool:
    """Constant-time comparison of fixed-length digests (length and content stay hidden)."""
    digest = lambda text: hashlib.sha256(text.encode("utf-8")).digest()  # noqa: E731
    return hmac.compare_digest(digest(given), digest(expected))


def delay_after(failures: int) -> float:
    """Seconds to wait after the ``failures``-th failed attempt in a row.

    >>> [delay_after(n) for n in (0, 1, 2, 3, 6)]
    [0.0, 1.0, 2.0, 4.0, 8.0]
    """
    return 0.0 if failures <= 0 else min(MAX_DELAY, BASE_DELAY * 2 ** (failures - 1))


class PasswordGate:
    """Checks attempts against one password; keep one per browser session."""

    def __init__(self, expected: str, sleep: Callable[[float], None] = time.sleep):
        self.expected, self.sleep, self.failures = expected, sleep, 0

    def check(self, given: str) -> bool:
        if same_password(given or "", self.expected):
            self.failures = 0
            return True
        self.failures += 1
        self.sleep(delay_after(self.failures))
        return False
