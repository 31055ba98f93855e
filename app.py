"""claimtracker's Streamlit app: `streamlit run app.py` (reads the DB named by CLAIMTRACKER_DB).

One page per job (st.navigation); every page reads through `claimtracker.views` with short
read-only connections, so an ingest can hold the write lock while the app stays up.
`?page=search&query=...` in a URL opens that page with its state (the page's path works too).
"""

from __future__ import annotations

import duckdb
import streamlit as st

from claimtracker.errors import ClaimtrackerError, DatabaseLockedError

st.set_page_config(page_title="claimtracker", page_icon="📈", layout="wide")

PAGES = {
    "claims": st.Page("app_pages/claims.py", title="Claims", icon="✅", url_path="claims",
                      default=True),
    "search": st.Page("app_pages/search.py", title="Search", icon="🔎", url_path="search"),
    "topics": st.Page("app_pages/topics.py", title="Topics", icon="🗺️", url_path="topics"),
    "metrics": st.Page("app_pages/metrics.py", title="Metrics", icon="📊", url_path="metrics"),
    "articles": st.Page("app_pages/articles.py", title="Articles", icon="📰",
                        url_path="articles"),
    "data": st.Page("app_pages/data.py", title="Data", icon="🗄️", url_path="data"),
}

current = st.navigation(list(PAGES.values()), position="top")

wanted = st.query_params.get("page")
if wanted in PAGES and PAGES[wanted].url_path != current.url_path:
    params = {k: st.query_params.get_all(k) for k in st.query_params if k != "page"}
    st.switch_page(PAGES[wanted], query_params=params)


def _locked(message: str) -> None:
    st.warning(
        "The database is busy: an ingest, enrich or score run is writing to it right now. "
        "The app shows everything again as soon as that run finishes."
    )
    st.caption(message)
    st.button("Retry", type="primary", key="retry_locked")


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
