"""The app's frame, run on every rerun: page config, navigation, URL routing, busy-DB handling.

One page per job (st.navigation); every page reads through `pipeline.views` with short
read-only connections, so an ingest can hold the write lock while the app stays up.
`?page=search&query=...` in a URL opens that page with its state (the page's path works too).
The sidebar switches the labels between English and Korean (`?lang=ko`; app_pages.i18n).
"""

from __future__ import annotations

import duckdb
import streamlit as st

from app_pages.common import STALE_FLAG
from app_pages.i18n import LANGUAGES, language, set_language, t
from claimtracker.errors import ClaimtrackerError, DatabaseLockedError

#: url path -> Material icon; the first is the default page, served at "/".
PAGES = {
    "claims": "fact_check",
    "search": "search",
    "topics": "grid_view",
    "metrics": "monitoring",
    "peers": "compare_arrows",
    "alerts": "notifications",
    "articles": "article",
    "data": "database",
    "source": "article_shortcut",
}


def page_titles() -> dict[str, str]:
    """url path -> the page's title in the session's language."""
    return {"claims": t("nav.claims"), "search": t("nav.search"), "topics": t("nav.topics"),
            "metrics": t("nav.metrics"), "peers": t("nav.peers"), "alerts": t("nav.alerts"),
            "articles": t("nav.articles"), "data": t("nav.data"), "source": t("nav.source")}


def language_switch() -> str:
    """The sidebar's English / 한국어 switch; returns the language to draw this run in."""
    current = language()
    names = list(LANGUAGES)
    chosen = st.sidebar.radio(t("shell.language"), names, index=names.index(current),
                              format_func=LANGUAGES.__getitem__, key="ui_language_switch")
    if chosen != current:
        set_language(chosen)
        st.rerun()  # redraw everything, the sidebar included, in the chosen language
    if chosen != "en" and st.query_params.get("lang") != chosen:
        set_language(chosen)  # back into the URL after a page switch cleared it
    return chosen


def _locked(message: str) -> None:
    st.warning(t("shell.db_busy"))
    st.caption(message)
    st.button(t("shell.retry"), type="primary", key="retry_locked")


def main() -> None:
    """Draw the navigation and run the current page."""
    st.set_page_config(page_title="claimtracker", page_icon=":material/fact_check:",
                       layout="wide")
    language_switch()
    titles = page_titles()
    pages = {
        path: st.Page(f"app_pages/{path}.py", title=titles[path], icon=f":material/{icon}:",
                      url_path=path, default=index == 0)
        for index, (path, icon) in enumerate(PAGES.items())
    }
    current = st.navigation(list(pages.values()), position="top")

    wanted = st.query_params.get("page")
    if wanted in pages and pages[wanted].url_path != current.url_path:
        params = {k: st.query_params.get_all(k) for k in st.query_params if k != "page"}
        st.switch_page(pages[wanted], query_params=params)

    notice = st.empty()  # filled after the page ran, if it had to show data as last read
    st.session_state[STALE_FLAG] = False

    try:
        current.run()
    except DatabaseLockedError as exc:
        _locked(str(exc))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        _locked(str(exc))
    except ClaimtrackerError as exc:
        st.error(str(exc))
        st.button(t("shell.retry"), key="retry_error")

    if st.session_state.get(STALE_FLAG):
        with notice.container():
            st.warning(t("shell.stale"))
            st.button(t("shell.retry"), key="retry_stale")
