"""Server warm-up: what the first visitor would otherwise wait for, done before the server listens.

On a cold server the first Claims page spends ~0.5 s importing: DuckDB imports pandas and
numpy the first time it binds a query parameter, and the charts need pyarrow. Streamlit's
`st.App` runs this lifespan once at start-up, before accepting connections.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from streamlit.logger import get_logger

log = get_logger(__name__)  # Streamlit's logger: its level follows --logger.level


def warm_up() -> float:
    """Import what every page needs and bind one DuckDB parameter; returns the seconds spent."""
    start = time.perf_counter()
    import pyarrow  # noqa: F401 - Streamlit serialises chart data with it

    import app_pages.common  # noqa: F401 - the app's views, DB layer and caches
    from claimtracker.db import connect

    with connect(":memory:") as con:  # DuckDB imports pandas/numpy on its first bound parameter
        con.execute("SELECT ?", [1]).fetchall()
    return time.perf_counter() - start


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    log.info("claimtracker app warmed up in %.2f s", warm_up())
    yield
