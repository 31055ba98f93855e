"""A real `claimtracker ingest --ticker` process killed with SIGKILL, then rerun, ends equal to
an uninterrupted run: no duplicates, nothing lost, complete downloads not fetched again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from edgar_server import EdgarServer

REPO = Path(__file__).resolve().parents[2]
CLAIMTRACKER = REPO / ".venv" / "bin" / "claimtracker"
ARGS = ["ingest", "--ticker", "AAPL", "--ticker", "NVDA", "--forms", "10-Q,10-K",
        "--since", "2023-01-01", "--until", "2024-12-31", "--no-progress", "--format", "json"]
#: Documents of that range present in the mirror, in download order (the other 12 are 404s).
PRESENT = ["aapl-20230701.htm", "nvda-20230730.htm", "nvda-20240128.htm", "aapl-20240928.htm"]
VOLATILE = {"ingested_at", "updated_at", "parsed_at", "mtime", "started_at", "finished_at"}


def start(server: EdgarServer, db: Path, cache: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **server.env(),
           "CLAIMTRACKER_SEC_IDENTITY": "Claimtracker Tests tests@example.com",
           "CLAIMTRACKER_EDGAR_BACKOFF": "0.01", "CLAIMTRACKER_EDGAR_RETRIES": "1",
           "CLAIMTRACKER_EDGAR_TIMEOUT": "5", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([str(CLAIMTRACKER), *ARGS, "--db", str(db), "--cache-dir", str(cache)],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_to_end(server: EdgarServer, db: Path, cache: Path) -> int:
    proc = start(server, db, cache)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode in (0, 1), err.decode()[-2000:]
    return proc.returncode


def run_killed(server: EdgarServer, db: Path, cache: Path, *, document: str,
               delay: float) -> None:
    """Start a run and SIGKILL it `delay` s after it requests `document` (0: before the answer)."""
    proc = start(server, db, cache)

    def on_request(path: str, _count: int) -> None:
        if path.endswith(document):
            if delay:
                threading.Timer(delay, os.kill, (proc.pid, signal.SIGKILL)).start()
            else:
                os.kill(proc.pid, signal.SIGKILL)

    server.on_request = on_request
    try:
        proc.communicate(timeout=300)
    finally:
        server.on_request = None
    assert proc.returncode == -signal.SIGKILL


def table_contents(db: Path, cache: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the run log (runs, run_owners), no timestamps, the cache as <cache>."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_name NOT IN ('runs', 'run_owners', '_migrations') ORDER BY 1").fetchall()]
        for table in tables:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall() if c not in VOLATILE]
            rows = con.execute(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
            out[table] = sorted(
                (tuple(v.replace(str(cache), "<cache>") if isinstance(v, str) else v
                       for v in row) for row in rows),
                key=repr,
            )
        return out
    finally:
        con.close()


def test_sigkill_mid_download_and_mid_ingest_then_rerun_equals_uninterrupted(
    tmp_path: Path,
) -> None:
    with EdgarServer() as server:
        ref_db, ref_cache = tmp_path / "ref.duckdb", tmp_path / "ref-raw"
        run_to_end(server, ref_db, ref_cache)
        reference = table_contents(ref_db, ref_cache)
        assert len(reference["filings"]) == 4 and len(reference["fetch_queue"]) == 16

        db, cache = tmp_path / "resumed.duckdb", tmp_path / "raw"
        # 1. killed while the second document is being downloaded (the first is on disk)
        server.hits.clear()
        run_killed(server, db, cache, document=PRESENT[1], delay=0)
        downloaded = [h.path for h in server.hits if h.path.endswith(tuple(PRESENT))]
        assert [p.rsplit("/", 1)[1] for p in downloaded] == PRESENT[:2]
        missing = {h.path for h in server.hits if h.status == 404}
        assert missing
        # 2. killed again, shortly after the last download: during the ingest
        server.hits.clear()
        run_killed(server, db, cache, document=PRESENT[-1], delay=0.8)
        second = {h.path for h in server.hits if "/Archives/" in h.path}
        assert not any(p.endswith(PRESENT[0]) for p in second)  # complete: not fetched again
        assert not second & missing  # 404s are recorded, not asked again
        # 3. the run that finishes
        server.hits.clear()
        run_to_end(server, db, cache)
        resumed = table_contents(db, cache)

    assert resumed == reference
    assert not list(cache.rglob("*.part"))
