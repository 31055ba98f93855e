"""Every ingest, update, enrich or score run is recorded in `runs`, for `status` and the app.

A run row says which process runs it (pid, host and the process's start time, so a recycled
pid is not mistaken for it). A process killed with SIGKILL cannot close its row; `status`
shows such a row as interrupted, and the next writer records it so (`close_dead_runs`).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtracker.db import Store

#: The migration that added run_owners (pid/host/proc_start of each run).
OWNER_MIGRATION = "0005_run_owner"


@dataclass
class RunRecord:
    """Counts and errors of one run; written to the `runs` row when the run ends."""

    run_id: int
    kind: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def error(self, input_name: str, message: str) -> None:
        self.errors.append({"input": input_name, "error": message})


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux /proc), None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so count after its ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def process_gone(pid: int | None, host: str | None, proc_start: int | None) -> bool:
    """True when the process that owned a run has certainly ended.

    A row without a pid was written by a version that did not record one: it counts as gone,
    because whoever can read or write the DB holds DuckDB's file lock, which a live writer on
    this host would hold. A row of another host is never judged from here.
    """
    if pid is None:
        return True
    if host != socket.gethostname():
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's process
    current = process_start(pid)
    return proc_start is not None and current is not None and current != proc_start


def close_dead_runs(store: Store) -> list[int]:
    """Mark 'running' rows whose process is gone as interrupted; returns their ids."""
    if not store.has_migration(OWNER_MIGRATION):
        return []
    dead = [
        run_id
        for run_id, pid, host, start in store.con.execute(
            "SELECT r.run_id, o.pid, o.host, o.proc_start FROM runs r "
            "LEFT JOIN run_owners o USING (run_id) WHERE r.status = 'running'"
        ).fetchall()
        if process_gone(pid, host, start)
    ]
    for run_id in dead:
        store.con.execute(
            "UPDATE runs SET status = 'interrupted', errors = ? WHERE run_id = ?",
            [json.dumps([{"input": "run", "error": "its process ended without closing the run "
                                                  "(killed or crashed); rerun to resume"}]),
             run_id],
        )
    return dead


@contextmanager
def record_run(store: Store, kind: str, args: dict[str, Any] | None = None) -> Iterator[RunRecord]:
    """Insert a 'running' row, then close it as ok, failed (errors or exception) or interrupted."""
    close_dead_runs(store)
    pid = os.getpid()
    # Two statements, no transaction of our own: a caller may already hold one.
    (run_id,) = store.con.execute(
        "INSERT INTO runs (kind, args) VALUES (?, ?) RETURNING run_id",
        [kind, json.dumps(args or {}, default=str)],
    ).fetchone()
    store.con.execute(
        "INSERT INTO run_owners (run_id, pid, host, proc_start) VALUES (?, ?, ?, ?)",
        [run_id, pid, socket.gethostname(), process_start(pid)],
    )
    record = RunRecord(run_id=run_id, kind=kind)
    status = "ok"
    try:
        yield record
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except BaseException as exc:
        status = "failed"
        record.error(kind, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if status == "ok" and record.errors:
            status = "failed"
        store.con.execute(
            "UPDATE runs SET finished_at = current_timestamp, status = ?, counts = ?, errors = ? "
            "WHERE run_id = ?",
            [status, json.dumps(record.counts), json.dumps(record.errors), run_id],
        )
