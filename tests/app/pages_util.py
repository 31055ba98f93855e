"""Helpers of the page tests: render a page with AppTest, read what it shows, query the DB."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

ARTICLE = "amazon-next-cycle"
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def render(monkeypatch: pytest.MonkeyPatch, db: Path, page: str = "claims",
           timeout: float = 120, **params: str) -> AppTest:
    monkeypatch.setenv("CLAIMTRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "claims":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sql(db: Path, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def frame_with(at: AppTest, *columns: str) -> Any:
    """The (first) dataframe on the page that has all these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def markdown_table(at: AppTest, *columns: str) -> dict[str, list[str]]:
    """Columns of the (first) markdown table on the page with these headers, unescaped."""
    for element in at.markdown:
        lines = str(element.value).splitlines()
        if len(lines) < 2 or not lines[0].startswith("|"):
            continue
        rows = [[re.sub(r"\\(.)", r"\1", cell).strip()
                 for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
                for line in lines if not line.startswith("|---")]
        header, body = rows[0], rows[1:]
        if set(columns) <= set(header):
            return {name: [row[i] for row in body] for i, name in enumerate(header)}
    raise AssertionError(f"no markdown table with columns {columns}")


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(el.value) for el in getattr(at, kind)]


def chart_data(at: AppTest, title: str) -> Any:
    """The data behind the Vega-Lite chart with this title (AppTest has no chart accessor)."""
    import pyarrow as pa

    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("title") == title:
            raw = chart.proto.data.data
            return pa.ipc.open_stream(raw).read_all().to_pandas()
    raise AssertionError(f"no chart titled {title!r}")
