"""Source: a cited sentence inside the call turn or filing section that holds it.

The URL carries the state (`?page=source&sentence=<id>`), so every evidence and search link
can be shared; the EDGAR link (or the transcript file) stays beside the text.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import common
from app_pages.i18n import t, term
from pipeline.views_source import CONTEXT, source_context

st.title(t("source.title"))
common.require_data("sentences", what=t("source.what"))

sentence_id = st.text_input(
    t("source.sentence_id"), value=st.query_params.get("sentence", ""), key="source_sentence",
    help=t("source.sentence_id_help"))
wider = st.toggle(t("source.more"), value=st.query_params.get("more") == "1", key="source_more")
common.set_url(sentence=sentence_id or None, more="1" if wider else None)
if not sentence_id:
    st.info(t("source.how"))
    st.stop()

found: dict[str, Any] | None = common.query(source_context, sentence_id.strip(),
                                            context=CONTEXT * 4 if wider else CONTEXT)
if found is None:
    st.warning(t("source.not_found", id=common.md_escape(sentence_id)))
    st.stop()

speaker = found["speaker"] or (t("source.the_company") if found["management"] else "")
role = f" ({term('role', found['role'])})" if found["role"] else ""
st.subheader(f"{found['ticker'] or '?'} {found['quarter'] or ''} · {found['document']}")
st.markdown(common.source_line({"speaker": found["speaker"], "role": found["role"],
                                "document": found["where"], "link": found["link"]}))
if speaker:
    st.caption(common.md_escape(t("source.said_by", who=f"{speaker}{role}")
                                if found["doc_type"] == "transcript"
                                else t("source.written_by", who=speaker)))
first = found["first_shown"]
if first > 0:
    st.caption(t("source.earlier", n=first))
with st.container(border=True):
    for sentence in found["sentences"]:
        text = common.md_escape(sentence["text"])
        st.markdown(f":orange-background[**{text}**]" if sentence["cited"] else text)
last = found["sentences"][-1]["ord"] if found["sentences"] else first
if last + 1 < found["sentences_in_source"]:
    st.caption(t("source.later", n=found["sentences_in_source"] - last - 1))
