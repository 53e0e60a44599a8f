"""End to end in a real browser: Debian's chromium driven by Playwright (no downloaded browser).

The app is started with `streamlit run` on a free loopback port against a copy of an index of
corpus/; the tests ask the sample question and wait for the cited answer, upload a file and find
it in the corpus table, open the timeline, and log in when a password is set. Screenshots go to
a temporary folder, or to docs/screenshots/ (shown in the README) with `make screenshots`
(RAG_SCREENSHOTS=1), so `make test` leaves the checkout clean. Skips with the reason when chromium or
Playwright is missing (`apt-get install chromium`; `make test` installs both).
"""

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SERBIA_QUESTION

from rag.app_server import streamlit_app
from rag.chroma_server import ServerUnavailable

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


SCREENSHOTS = ROOT / "docs" / "screenshots"  # written only with RAG_SCREENSHOTS=1
PASSWORD = "correct horse battery"
ARTICLE = (
    "date 2025-02-10\n# Jordan and Serbia sign a water agreement\n\n"
    "AMMAN, Jordan, February 10. Jordan and Serbia signed an agreement on water management, Petra reports.\n"
)


def requirements() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright", reason="playwright is not installed (pip install -r requirements-dev.txt)")


@contextmanager
def serve(sample_index, folder: Path, **env):
    """`streamlit run app.py` on a free loopback port, on a private copy of the sample index."""
    data = folder / "index"
    shutil.copytree(sample_index, data)
    inherited = {k: v for k, v in os.environ.items() if k != "RAG_APP_PASSWORD"}
    uploads = str(folder / "corpus" / "uploads")
    env = {**inherited, "RAG_DATA_DIR": str(data), "RAG_BACKEND": "extractive", "RAG_UPLOADS_DIR": uploads, **env}
    try:
        with streamlit_app(env, folder / "app.log") as url:
            yield url
    except ServerUnavailable as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def app_url(sample_index, tmp_path_factory):
    requirements()
    with serve(sample_index, tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="module")
def locked_url(sample_index, tmp_path_factory):
    requirements()
    with serve(sample_index, tmp_path_factory.mktemp("locked"), RAG_APP_PASSWORD=PASSWORD) as url:
        yield url


@pytest.fixture
def page():
    requirements()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page(viewport={"width": 1280, "height": 1500})
        browser.close()


def screenshot(page, name: str) -> None:
    """After the script run has finished (no "Running…" widget), so the page is complete."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(500)  # charts and buttons finish drawing
    import tempfile

    folder = (
        SCREENSHOTS if os.environ.get("RAG_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "rag-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def send(page, url: str, question: str = SERBIA_QUESTION) -> None:
    """Open the chat page and send the question."""
    page.goto(url)
    box = page.get_by_placeholder("Ask a question about the corpus")
    box.wait_for(timeout=60_000)
    box.fill(question)
    box.press("Enter")


def ask(page, url: str, question: str = SERBIA_QUESTION) -> None:
    """Send the question and wait for the extractive answer."""
    from playwright.sync_api import expect

    send(page, url, question)
    expect(page.get_by_text("Answered by: extractive").first).to_be_visible(timeout=60_000)


def openai_env(fake) -> dict:
    """Settings that point the openai backend at a fake server."""
    return {"RAG_BACKEND": "openai", "RAG_OPENAI_BASE_URL": fake.url, "RAG_OPENAI_API_KEY": "sk-fake"}


def test_sample_question_gets_a_cited_answer_in_chromium(app_url, page):
    from playwright.sync_api import expect

    ask(page, app_url)
    expect(page.get_by_text("alternative energy").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Sources \(\d+\)$"))).to_be_visible()
    expect(page.get_by_text("Trend, 2024-12-23").first).to_be_visible()
    highlight = page.locator(".stMarkdownColoredBackground", has_text="production and export of alternative energy")
    expect(highlight.first).to_be_visible()  # the quote, highlighted inside its surrounding text
    expect(highlight.first.locator("xpath=../..")).to_contain_text("satisfaction with the current state of cooperation")
    screenshot(page, "chat-answer.png")


def test_an_uploaded_file_is_indexed_and_listed(app_url, page):
    from playwright.sync_api import expect

    page.goto(f"{app_url}/corpus")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "jordan-water.md", "mimeType": "text/markdown", "buffer": ARTICLE.encode()}]
    )
    expect(page.get_by_text("jordan-water.md")).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")  # the upload has reached the server
    page.get_by_role("button", name="Add to the corpus").click()
    expect(page.get_by_text(re.compile("Indexing done: 1 added"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text("2 documents, 4 chunks in the index")).to_be_visible()
    page.get_by_label("Search titles, outlets, dates").fill("water")
    page.get_by_label("Search titles, outlets, dates").press("Enter")
    expect(page.get_by_text("1 shown")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid=stDataFrame]").last).to_be_visible()  # drawn on a canvas: rows are not in the DOM
    screenshot(page, "corpus.png")
    page.locator(
        "[data-testid=stMultiSelect]", has_text="Delete documents"
    ).click()  # the delete list offers the same (filtered) rows
    expect(page.get_by_role("option", name=re.compile("Jordan and Serbia sign a water agreement"))).to_be_visible()


def test_the_timeline_plots_a_counterparts_documents(app_url, page):
    from playwright.sync_api import expect

    page.goto(f"{app_url}/timeline")
    box = page.get_by_label("Counterpart or topic")
    box.fill("Serbia")
    box.press("Enter")
    expect(page.get_by_text(re.compile(r"\d+ documents in \d+ months"))).to_be_visible(timeout=60_000)
    point = page.get_by_test_id("stVegaLiteChart").locator("g.mark-symbol path[aria-label*='outlet: Trend']")
    expect(point).to_be_visible(timeout=30_000)
    screenshot(page, "timeline.png")
    point.hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_contain_text("Azerbaijani Foreign Minister Jeyhun Bayramov met")  # the title…
    expect(tooltip).to_contain_text("2024-12-23")  # …and the date
    body = page.get_by_text(re.compile("in the framework of his working visit to the Republic of Serbia"))
    expect(body).to_have_count(0)
    point.click()  # opens the document below the chart
    expect(body.first).to_be_visible(timeout=30_000)


def test_nothing_is_shown_before_logging_in(locked_url, page):
    from playwright.sync_api import expect

    page.goto(locked_url)
    password = page.get_by_label("Password", exact=True)
    password.wait_for(timeout=60_000)
    expect(page.get_by_placeholder("Ask a question about the corpus")).to_have_count(0)
    expect(page.get_by_text("Index:")).to_have_count(0)
    screenshot(page, "login.png")
    password.fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong password")).to_be_visible(timeout=30_000)
    password.fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_placeholder("Ask a question about the corpus")).to_be_visible(timeout=60_000)


def test_stop_ends_a_slow_answer(sample_index, tmp_path, page):
    """A model server that waits before streaming: the quoted sources show meanwhile; Stop ends
    the answer, the question and the quotes stay."""
    from fake_openai import FakeOpenAI
    from playwright.sync_api import expect

    with FakeOpenAI(script=["stall"], stall=6.0) as fake, serve(sample_index, tmp_path, **openai_env(fake)) as url:
        send(page, url)
        expect(page.get_by_text("writing with the openai model…")).to_be_visible(timeout=60_000)
        expect(page.get_by_text(re.compile("Quoted from the sources while the openai model writes"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"^Sources \(\d+\)$")).first).to_be_visible()
        page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop answering").click()
        # The checked quotes shown meanwhile stay, marked as such; nothing of the model's is shown.
        expect(page.get_by_text(re.compile("Stopped before the model finished"))).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Answered by: extractive")).to_be_visible()
        expect(page.get_by_text("Answered by: openai")).to_have_count(0)
        expect(page.get_by_text(SERBIA_QUESTION).first).to_be_visible()


def test_the_models_words_are_marked_unchecked_until_the_checked_answer_replaces_them(sample_index, tmp_path, page):
    """The model's words stream before the verifier has seen them: while they do, they say so."""
    from fake_openai import FakeOpenAI
    from playwright.sync_api import expect

    with FakeOpenAI(script=["pause"], stall=8.0) as fake, serve(sample_index, tmp_path, **openai_env(fake)) as url:
        send(page, url)
        streaming = page.get_by_text(re.compile(r"Alternative energy production and\s*▌"))
        expect(streaming).to_be_visible(timeout=60_000)
        unchecked = page.get_by_text(re.compile("Being written by the openai model, not yet checked"))
        expect(unchecked).to_be_visible()
        expect(page.get_by_text("Answered by: openai")).to_be_visible(timeout=60_000)
        expect(unchecked).to_have_count(0)
        expect(streaming).to_have_count(0)
