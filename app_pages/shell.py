"""The app's frame, run on every rerun: page config, navigation, URL routing, busy-DB handling.

One page per job (st.navigation); every page reads through `pipeline.views` with short
read-only connections, so an ingest can hold the write lock while the app stays up.
`?page=search&query=...` in a URL opens that page with its state (the page's path works too).
"""

from __future__ import annotations

import duckdb
import streamlit as st

from app_pages.common import STALE_FLAG
from claimtracker.errors import ClaimtrackerError, DatabaseLockedError

#: url path -> (title, Material icon); the first is the default page, served at "/".
PAGES = {
    "claims": ("Claims", "fact_check"),
    "search": ("Search", "search"),
    "topics": ("Topics", "grid_view"),
    "metrics": ("Metrics", "monitoring"),
    "peers": ("Peers", "compare_arrows"),
    "alerts": ("Alerts", "notifications"),
    "articles": ("Articles", "article"),
    "data": ("Data", "database"),
    "source": ("Source", "article_shortcut"),
}


def _locked(message: str) -> None:
    st.warning(
        "The database is busy: an ingest, enrich or score run is writing to it right now. "
        "The app shows everything again as soon as that run finishes."
    )
    st.caption(message)
    st.button("Retry", type="primary", key="retry_locked")


def main() -> None:
    """Draw the navigation and run the current page."""
    st.set_page_config(page_title="claimtracker", page_icon=":material/fact_check:",
                       layout="wide")
    pages = {
        path: st.Page(f"app_pages/{path}.py", title=title, icon=f":material/{icon}:",
                      url_path=path, default=index == 0)
        for index, (path, (title, icon)) in enumerate(PAGES.items())
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
        st.button("Retry", key="retry_error")

    if st.session_state.get(STALE_FLAG):
        with notice.container():
            st.warning("The database is busy (an ingest, enrich or score run is writing): this "
                       "page shows the data as last read. Retry when the run has finished.")
            st.button("Retry", key="retry_stale")
