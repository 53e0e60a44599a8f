"""Start and stop the Streamlit app on a free loopback port (browser tests, the first-content bench).

with streamlit_app({"RAG_DATA_DIR": "..."}, Path("/tmp/app.log")) as url:
    ...   # e.g. "http://127.0.0.1:40123", healthy
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.chroma_server import ServerUnavailable, free_port

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def streamlit_app(env: dict[str, str], log_path: Path, tries: int = 120) -> Iterator[str]:
    """``streamlit run app.py`` with ``env``; yields its URL once healthy, stops it on exit."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(tries):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise ServerUnavailable(f"streamlit did not start on {url}: see {log_path}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
