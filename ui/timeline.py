"""The timeline page: documents naming a counterpart or topic over time; hover for title, click to open."""

from __future__ import annotations

import streamlit as st

from rag.formatting import document_heading, escape_markdown
from ui.common import get_assistant


def chart(points):
    """One point per document: date across, outlet down; the tooltip gives title and date."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(
        [{"date": p.date, "title": p.title, "outlet": p.outlet or "unknown", "doc_id": p.doc_id} for p in points]
    )
    pick = alt.selection_point(name="pick", fields=["doc_id"], on="click")
    return (
        alt.Chart(frame)
        .mark_circle(size=140)
        .encode(
            x=alt.X(
                "date:T", title="date", axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30), scale=alt.Scale(padding=24)
            ),
            y=alt.Y("outlet:N", title="outlet"),
            color=alt.Color("outlet:N", legend=None),
            tooltip=[alt.Tooltip("title:N"), alt.Tooltip("date:T", format="%Y-%m-%d"), alt.Tooltip("outlet:N")],
        )
        .add_params(pick)
        .properties(height=max(200, 70 * frame["outlet"].nunique()))
    )


def selected(event) -> str | None:
    """The doc_id of the clicked point, if any (Streamlit returns the selection as a dict)."""
    try:
        picks = event["selection"]["pick"]
    except (KeyError, TypeError):
        return None
    return picks[0].get("doc_id") if picks else None


def page() -> None:
    from rag.timeline import timeline

    st.title("Timeline")
    topic = st.text_input("Counterpart or topic", key="timeline_topic", placeholder="e.g. Serbia, or Jordan water")
    if not topic.strip():
        st.caption("Every dated document naming it becomes a point; hover for its title, click to open it.")
        return
    shared = get_assistant()
    found = timeline(topic, shared.store, shared.searcher.keyword)
    if not found.points:
        st.info(f"No dated document names “{escape_markdown(found.topic)}”. Try another spelling or fewer words.")
        return
    months = found.by_month()
    st.caption(
        f"{len(found.points)} documents in {len(months)} months"
        + (f" ({found.undated} undated, not shown)" if found.undated else "")
    )
    event = st.altair_chart(chart(found.points), on_select="rerun", key="timeline_chart", width="stretch")
    by_id = {p.doc_id: p for p in found.points}
    labels = {f"{p.date} · {p.title} · {p.outlet or 'no outlet'}": p.doc_id for p in reversed(found.points)}
    listed = st.selectbox("Or open one from the list", ["—", *labels], key="timeline_open")
    chosen = selected(event) or labels.get(listed)
    if chosen in by_id:
        open_document(by_id[chosen])


def open_document(point) -> None:
    """The clicked document: its heading (linked when it has a url) and its full text."""
    with st.container(border=True):
        st.markdown(document_heading(point.title, point.url, point.outlet, point.date))
        st.markdown(escape_markdown(get_assistant().document_text(point.doc_id)).replace("\n", "\n\n"))
