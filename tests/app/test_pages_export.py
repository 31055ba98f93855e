"""Data page downloads: every exportable table, as the file `claimtracker export` writes."""

from __future__ import annotations

import io

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from pages_util import render, sql

from claimtracker.db import Store
from pipeline.export import exportable_tables, table_bytes


def test_data_page_offers_each_table_and_prepares_the_download(monkeypatch,
                                                                shared_db_path) -> None:
    at = render(monkeypatch, shared_db_path, "data")
    choice = at.selectbox(key="export_table")
    with Store.open(shared_db_path, read_only=True) as store:
        assert list(choice.options) == exportable_tables(store)
    assert "facts" in choice.options and "sentences" in choice.options
    choice.set_value("facts").run()
    at.radio(key="export_format").set_value("csv").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception
    labels = [e.proto.label for e in at.get("download_button")]
    assert labels == ["Download facts.csv"]


def test_downloaded_table_holds_every_row(shared_db_path) -> None:
    with Store.open(shared_db_path, read_only=True) as store:
        data = table_bytes(store, "facts", "csv")
        parquet = table_bytes(store, "filings", "parquet")
    (facts,) = sql(shared_db_path, "SELECT count(*) FROM facts")[0]
    assert pa_csv.read_csv(io.BytesIO(data)).num_rows == facts > 0
    (filings,) = sql(shared_db_path, "SELECT count(*) FROM filings")[0]
    assert pq.read_table(io.BytesIO(parquet)).num_rows == filings > 0
