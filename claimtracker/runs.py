"""Every ingest, update, enrich or score run is recorded in `runs`, for `status` and the app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from claimtracker.db import Store


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


@contextmanager
def record_run(store: Store, kind: str, args: dict[str, Any] | None = None) -> Iterator[RunRecord]:
    """Insert a 'running' row, then close it as ok, failed (errors or exception) or interrupted."""
    (run_id,) = store.con.execute(
        "INSERT INTO runs (kind, args) VALUES (?, ?) RETURNING run_id",
        [kind, json.dumps(args or {}, default=str)],
    ).fetchone()
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
