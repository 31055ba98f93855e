"""Source: a cited sentence inside the call turn or filing section that holds it.

The URL carries the state (`?page=source&sentence=<id>`), so every evidence and search link
can be shared; the EDGAR link (or the transcript file) stays beside the text.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import common
from pipeline.views_source import CONTEXT, source_context

st.title("Source")
common.require_data("sentences", what="the source viewer")

sentence_id = st.text_input(
    "Sentence id", value=st.query_params.get("sentence", ""), key="source_sentence",
    help="Opened from the 'in context' link of an evidence or search hit; the id is in the URL.")
wider = st.toggle("Show more context", value=st.query_params.get("more") == "1",
                  key="source_more")
common.set_url(sentence=sentence_id or None, more="1" if wider else None)
if not sentence_id:
    st.info("Open a sentence from the **in context** link of an evidence sentence (Claims) or "
            "a hit (Search).")
    st.stop()

found: dict[str, Any] | None = common.query(source_context, sentence_id.strip(),
                                            context=CONTEXT * 4 if wider else CONTEXT)
if found is None:
    st.warning(f"No sentence {common.md_escape(sentence_id)} in this DB: it may come from "
               "another DB, or the source was re-ingested since the link was made.")
    st.stop()

speaker = found["speaker"] or ("the company" if found["management"] else "")
role = f" ({found['role']})" if found["role"] else ""
st.subheader(f"{found['ticker'] or '?'} {found['quarter'] or ''} · {found['document']}")
st.markdown(common.source_line({"speaker": found["speaker"], "role": found["role"],
                                "document": found["where"], "link": found["link"]}))
if speaker:
    st.caption(common.md_escape(f"Said by {speaker}{role}" if found["doc_type"] == "transcript"
                                else f"Written by {speaker}"))
first = found["first_shown"]
if first > 0:
    st.caption(f"… {first} earlier sentence(s) of this part not shown")
with st.container(border=True):
    for sentence in found["sentences"]:
        text = common.md_escape(sentence["text"])
        st.markdown(f":orange-background[**{text}**]" if sentence["cited"] else text)
last = found["sentences"][-1]["ord"] if found["sentences"] else first
if last + 1 < found["sentences_in_source"]:
    st.caption(f"… {found['sentences_in_source'] - last - 1} later sentence(s) not shown")
