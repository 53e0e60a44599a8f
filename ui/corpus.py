"""The corpus page: upload articles, watch them being indexed, search/sort/delete documents, re-index."""

from __future__ import annotations

import streamlit as st

from rag.corpus import Corpus, matching
from rag.documents import InputError
from rag.formatting import escape_markdown
from rag.uploads import ALLOWED
from ui.common import get_assistant

SORTS = {
    "Newest first": (lambda r: (r.date, r.title), True),
    "Oldest first": (lambda r: (r.date, r.title), False),
    "Title": (lambda r: r.title.casefold(), False),
    "Outlet": (lambda r: (r.outlet.casefold(), r.date), False),
    "Most chunks": (lambda r: r.chunks, True),
}


def corpus() -> Corpus:
    shared = get_assistant()
    settings = shared.settings
    keyword = shared.searcher.keyword
    return Corpus(
        shared.store, shared.embeddings, keyword, settings.data_dir, settings.uploads_dir, settings.max_file_mb
    )


def page() -> None:
    st.title("Corpus")
    for level, message in st.session_state.pop("corpus_flash", []):
        getattr(st, level)(message)
    books = corpus()
    counts = books.store.stats()
    st.caption(f"{counts['documents']} documents, {counts['chunks']} chunks in the index")
    upload_section(books)
    table_section(books)
    reindex_section(books)


def upload_section(books: Corpus) -> None:
    settings = get_assistant().settings
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            f"Add articles ({', '.join(ALLOWED)}; up to {settings.max_file_mb:g} MB each)",
            type=[suffix.lstrip(".") for suffix in ALLOWED],
            accept_multiple_files=True,
        )
        submitted = st.form_submit_button("Add to the corpus")
    if submitted and files:
        add_files(books, files, settings)


def add_files(books: Corpus, files, settings) -> None:
    """Save each upload (checked), then index them with a progress bar; every problem names its file."""
    from rag.uploads import save_upload

    saved, problems = [], []
    for file in files:
        try:
            saved.append(save_upload(file.name, file.getvalue(), settings.uploads_dir, settings.max_file_mb).path)
        except (InputError, OSError) as error:
            problems.append(("error", escape_markdown(str(error))))
    if saved:
        index(books, saved, "Indexing", problems)
    elif problems:
        flash(problems)


def index(books: Corpus, paths, verb: str, problems=()) -> None:
    from rag.locking import IngestBusy

    bar = st.progress(0.0, text=f"{verb}…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"{verb} {name} ({done + 1 if name else done} of {total})")

    try:
        report = books.ingest(paths, progress) if verb == "Indexing" else books.reindex(paths, progress)
    except IngestBusy as error:
        st.error(str(error))
        return
    bar.empty()
    errors = [("error", escape_markdown(str(e))) for e in report.errors]
    flash([*problems, ("success", f"{verb} done: {report.summary()}"), *errors])


def flash(messages: list[tuple[str, str]]) -> None:
    """Show these after a rerun, so the counts and the table below already include the change."""
    st.session_state.setdefault("corpus_flash", []).extend(messages)
    st.rerun()


def table_section(books: Corpus) -> None:
    import pandas as pd

    st.subheader("Documents")
    left, right = st.columns([3, 1])
    search = left.text_input("Search titles, outlets, dates", key="corpus_search")
    order = right.selectbox("Sort", list(SORTS), key="corpus_sort")
    key, reverse = SORTS[order]
    rows = sorted(matching(books.documents(), search), key=key, reverse=reverse)
    st.caption(f"{len(rows)} shown")
    frame = pd.DataFrame(
        [{"title": r.title, "date": r.date, "outlet": r.outlet, "chunks": r.chunks, "link": r.url} for r in rows],
        columns=["title", "date", "outlet", "chunks", "link"],
    )
    st.dataframe(frame, hide_index=True, column_config={"link": st.column_config.LinkColumn("link")})
    delete_section(books, rows)


def delete_section(books: Corpus, rows) -> None:
    labels = {r.doc_id: f"{r.title} ({r.date or 'undated'}, {r.outlet or 'no outlet'})" for r in rows}
    with st.form("delete", clear_on_submit=True):
        chosen = st.multiselect("Delete documents", list(labels), format_func=labels.get, key="corpus_delete")
        confirmed = st.checkbox("Yes, remove them from the index (uploaded files are deleted too)")
        submitted = st.form_submit_button("Delete")
    if not submitted or not chosen:
        return
    if not confirmed:
        st.warning("Tick “Yes, remove them” to delete.")
        return
    from rag.locking import IngestBusy

    try:
        removed = books.delete(chosen)
    except IngestBusy as error:
        st.error(str(error))
        return
    names = ", ".join(escape_markdown(labels[c]) for c in chosen)
    flash([("success", f"Deleted {removed}: {names}. Files outside the uploads folder return on re-index.")])


def reindex_section(books: Corpus) -> None:
    folder = get_assistant().settings.uploads_dir.parent
    st.subheader("Re-index")
    st.caption(f"Reads {folder} again: new or changed files are indexed, unchanged ones cost a lookup.")
    if st.button("Re-index the corpus folder"):
        index(books, [folder], "Re-indexing")
