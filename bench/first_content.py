"""Time to the first useful content on screen, in a real browser (Debian's chromium, Playwright).

    .venv/bin/python bench/first_content.py --data-dir .cache/eval-index --backend local --limit 10

Starts ``streamlit run app.py`` on the index, opens the chat page in headless chromium for each
question (a fresh page, so earlier answers do not slow the page down), and records in the page,
with a MutationObserver (reading ``textContent``, which forces no layout), when after pressing Enter

* a source card first shows ("Sources (n)": the draft with a model backend, the answer otherwise),
* the model's first token shows (the streaming cursor "▌"),
* the checked answer is complete ("Answered by:").

The first question warms up the server (models load on first use) and is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.app_server import streamlit_app  # noqa: E402
from rag.chroma_server import ServerUnavailable  # noqa: E402
from rag.evaluation import load_questions  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
OBSERVER = """() => {
  window.__marks = {};
  const started = performance.now();
  const seen = [["sources", "Sources ("], ["token", "\u258c"], ["answer", "Answered by:"]];
  new MutationObserver(() => {
    const text = document.body.textContent, now = performance.now() - started;
    for (const [name, needle] of seen) {
      if (!(name in window.__marks) && text.includes(needle)) window.__marks[name] = now;
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@contextmanager
def streamlit(data_dir: Path, backend: str):
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_BACKEND": backend}
    env.pop("RAG_APP_PASSWORD", None)
    log_path = Path(tempfile.mkdtemp(prefix="first-content-")) / "streamlit.log"
    try:
        with streamlit_app(env, log_path) as url:
            yield url
    except ServerUnavailable as error:
        sys.exit(str(error))


def ask(page, url: str, question: str) -> dict:
    page.goto(url)
    box = page.get_by_placeholder("Ask a question about the corpus")
    box.wait_for(timeout=60_000)
    box.fill(question)
    page.evaluate(OBSERVER)
    box.press("Enter")
    page.get_by_text("Answered by:").first.wait_for(timeout=180_000)
    row = {k: round(v / 1000, 2) for k, v in page.evaluate("window.__marks").items()}
    row["answered_by"] = page.get_by_text("Answered by:").first.text_content()
    alerts = page.get_by_test_id("stAlert")
    if alerts.count():  # a notice: why the model did not answer
        row["notice"] = alerts.first.text_content()
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--backend", default="local", choices=["local", "extractive", "openai"])
    parser.add_argument("--questions", default="eval/questions.jsonl")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        sys.exit("chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    questions = [q for q in load_questions(Path(args.questions)) if q.type != "unanswerable" and not q.as_of]
    rows = []
    with streamlit(Path(args.data_dir), args.backend) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        ask(page, url, "What was discussed with Serbia?")  # warm-up: models load on first use
        for q in questions[: args.limit]:
            rows.append({"id": q.id, **ask(page, url, q.question)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        browser.close()
    summary = {"backend": args.backend, "questions": len(rows)}
    for mark in ("sources", "token", "answer"):
        values = sorted(r[mark] for r in rows if mark in r)
        if values:
            summary[f"{mark}_p50_s"] = round(statistics.median(values), 2)
            summary[f"{mark}_max_s"] = values[-1]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
