"""The store: migrations recorded once, transactions all-or-nothing, clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from claimtracker.db import MIGRATIONS, Store
from claimtracker.errors import DatabaseLockedError, DatabaseNotFoundError, SchemaError


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "ct.duckdb"
    with Store.open(path) as store:
        assert store.applied_migrations() == [m.name for m in MIGRATIONS]
    with Store.open(path) as store:  # reopening applies nothing new
        assert store.schema_version == len(MIGRATIONS)
        assert store.con.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(
            MIGRATIONS
        )


def test_transaction_rolls_back_everything(fresh_db: Store) -> None:
    with pytest.raises(RuntimeError), fresh_db.transaction() as con:
        con.execute(
            "INSERT INTO filings (accession, cik, form, status) VALUES ('a', 1, '10-Q', 'ok')"
        )
        raise RuntimeError("parse failed half-way")
    assert fresh_db.con.execute("SELECT count(*) FROM filings").fetchone()[0] == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ct.duckdb"
    with Store.open(path) as store:
        store.con.execute("INSERT INTO _migrations (id, name) VALUES (999, '9999_future')")
    with pytest.raises(SchemaError, match="newer claimtracker"):
        Store.open(path)


def test_read_only_open_of_missing_file_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(DatabaseNotFoundError, match="claimtracker ingest"):
        Store.open(tmp_path / "sub" / "missing.duckdb", read_only=True)
    assert not (tmp_path / "sub").exists()  # neither the file nor its folder was created


def test_second_writer_gets_lock_error(tmp_path: Path) -> None:
    path = tmp_path / "ct.duckdb"
    Store.open(path).close()
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('held', flush=True); "
         "time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLockedError, match="locked"):
            Store.open(path)
    finally:
        holder.kill()
        holder.wait()


def test_fts_extension_loads_offline(fresh_db: Store) -> None:
    fresh_db.load_fts()
    fresh_db.con.execute("CREATE TABLE docs (id INTEGER, body VARCHAR)")
    fresh_db.con.execute("INSERT INTO docs VALUES (1, 'Trainium2 is fully subscribed'), (2, 'x')")
    fresh_db.con.execute("PRAGMA create_fts_index('docs', 'id', 'body')")
    hits = fresh_db.con.execute(
        "SELECT id FROM (SELECT id, fts_main_docs.match_bm25(id, 'subscribed') AS s FROM docs) "
        "WHERE s IS NOT NULL"
    ).fetchall()
    assert hits == [(1,)]
    assert isinstance(fresh_db.con, duckdb.DuckDBPyConnection)


def test_reader_tolerates_a_missing_writer_only_migration_and_a_writer_applies_it(
        tmp_path: Path) -> None:
    path = tmp_path / "ct.duckdb"
    Store.open(path).close()
    with duckdb.connect(str(path)) as con:  # as the previous claimtracker left it
        con.execute("DROP TABLE run_owners")
        con.execute("DELETE FROM _migrations WHERE name = '0005_run_owner'")
    with Store.open(path, read_only=True) as store:
        assert [m.name for m in store.pending_migrations()] == ["0005_run_owner"]
    with Store.open(path) as store:
        assert store.pending_migrations() == []
        assert store.con.execute("SELECT count(*) FROM run_owners").fetchone() == (0,)
