"""End to end in a real browser: Debian's chromium driven by Playwright (no downloaded browser).

The app is started with `streamlit run` on a free loopback port against an index of corpus/;
the test types the sample question and waits for the cited answer. A screenshot is saved to
docs/screenshots/. Skips with the reason when chromium or Playwright is missing
(`apt-get install chromium`; `make test` installs both).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import SERBIA_QUESTION

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(sample_index, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright", reason="playwright is not installed (pip install -r requirements-dev.txt)")
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(sample_index), "RAG_BACKEND": "extractive"}
    log = (tmp_path_factory.mktemp("streamlit") / "app.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"streamlit did not start on {url}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_sample_question_gets_a_cited_answer_in_chromium(app_url):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        page.goto(app_url)
        box = page.get_by_placeholder("Ask a question about the corpus")
        box.wait_for(timeout=60_000)
        box.fill(SERBIA_QUESTION)
        box.press("Enter")
        expect(page.get_by_text("Answered by: extractive").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("alternative energy").first).to_be_visible()
        expect(page.get_by_text(re.compile(r"^Sources \(\d+\)$"))).to_be_visible()
        expect(page.get_by_text("Trend, 2024-12-23").first).to_be_visible()
        screenshots = ROOT / "docs" / "screenshots"
        screenshots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshots / "chat-answer.png"), full_page=True)
        browser.close()
