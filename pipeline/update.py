"""`claimtracker track` and `claimtracker update`: the quarterly batch, made for cron.

`update` runs, in order: fetch what is new for every tracked company from live EDGAR, ingest
local `--from-dir` folders, ingest transcripts (data/transcripts plus `--transcripts`),
enrich, score, raise alerts. A failing step is logged and recorded, and the later steps still
run on what the DB holds; the exit code is 0 only when every step succeeded (75 when EDGAR
rate-limited us: try again later). With no tracked company (or --no-fetch) nothing touches the
network and no identity is needed. Each run is one `runs` row (kind 'update') and appends to a
log file.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from claimtracker import config
from claimtracker.db import Store
from claimtracker.errors import ClaimtrackerError, InputError, RateLimitedError
from claimtracker.runs import record_run
from ingest.edgar.client import EdgarClient
from ingest.edgar.companies import describe_company, resolve_companies, upsert_company
from ingest.edgar.submissions import DEFAULT_FORMS

log = logging.getLogger(__name__)

EX_TEMPFAIL = 75


def default_log_file(today: date | None = None) -> Path:
    return config.DEFAULT_LOG_DIR / f"update-{(today or date.today()):%Y%m%d}.log"


# -- track ------------------------------------------------------------------------------------
def track(
    store: Store,
    tickers: Sequence[str],
    *,
    tracked: bool = True,
    cache_dir: Path | None = None,
    client: EdgarClient | None = None,
) -> list[dict[str, Any]]:
    """Mark companies tracked (or not); tickers not yet in the DB are resolved on EDGAR."""
    wanted = [t.strip().upper() for t in tickers if t.strip()]
    if not wanted:
        raise InputError("no ticker given: e.g. `claimtracker track AMZN MSFT`.")
    known = {
        str(t).upper()
        for (t,) in store.con.execute("SELECT ticker FROM companies WHERE ticker IS NOT NULL")
        .fetchall()
    }
    missing = [t for t in wanted if t not in known and not t.isdigit()]
    if missing or any(t.isdigit() for t in wanted):
        own = client is None
        client = client or EdgarClient.from_config()  # identity needed only to ask EDGAR
        cache = cache_dir or config.DEFAULT_CACHE_DIR
        try:
            companies = resolve_companies(store, client, wanted, cache)
            for company in companies:
                if company.ticker.isdigit():  # a bare CIK: ask EDGAR whose it is
                    describe_company(client, company, cache)
        finally:
            if own:
                client.close()
    else:
        companies = resolve_companies(store, None, wanted, config.DEFAULT_CACHE_DIR)
    out = []
    with store.transaction():
        for company in companies:
            upsert_company(store, company)
            store.con.execute("UPDATE companies SET tracked = ? WHERE cik = ?",
                              [tracked, company.cik])
            out.append({"ticker": company.ticker, "cik": company.cik, "name": company.name,
                        "tracked": tracked})
    return out


def tracked_tickers(store: Store) -> list[str]:
    return [
        str(t or cik)
        for cik, t in store.con.execute(
            "SELECT cik, ticker FROM companies WHERE tracked ORDER BY ticker, cik"
        ).fetchall()
    ]


# -- update -----------------------------------------------------------------------------------
@dataclass
class StepResult:
    name: str
    ok: bool
    brief: str
    detail: dict[str, Any] | list[Any] | None = None
    error: str | None = None
    rate_limited: bool = False


@dataclass
class UpdateSummary:
    """All steps of one update; `render()` is the one-line summary cron mails."""

    steps: list[StepResult] = field(default_factory=list)
    log_file: Path | None = None
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if all(s.ok for s in self.steps):
            return 0
        return EX_TEMPFAIL if any(s.rate_limited for s in self.steps) else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 1),
            "log_file": str(self.log_file) if self.log_file else None,
            "steps": [
                {"step": s.name, "ok": s.ok, "brief": s.brief, "error": s.error,
                 "detail": s.detail}
                for s in self.steps
            ],
        }

    def render(self) -> str:
        status = "ok" if self.exit_code == 0 else "FAILED"
        steps = "; ".join(f"{s.name}: {s.brief}" for s in self.steps) or "nothing to do"
        where = f" (log {self.log_file})" if self.log_file else ""
        return f"update {status} in {self.seconds:.0f}s: {steps}{where}"


def _brief(result: Any) -> tuple[str, Any, bool]:
    """A few numbers from a step's summary, its detail, and whether it succeeded."""
    if isinstance(result, list):
        return f"{len(result)} results", None, True
    detail = result.as_dict() if hasattr(result, "as_dict") else None
    ok = getattr(result, "exit_code", 0) == 0
    numbers = []
    source = detail.get("counts", detail) if isinstance(detail, dict) else {}
    for key, value in source.items():
        if isinstance(value, int) and not isinstance(value, bool) and key != "exit_code":
            numbers.append(f"{value} {key}")
    return (", ".join(numbers[:5]) or ("ok" if ok else "failed")), detail, ok


def _step(summary: UpdateSummary, name: str, work: Callable[[], Any]) -> None:
    log.info("update: %s ...", name)
    try:
        brief, detail, ok = _brief(work())
        summary.steps.append(StepResult(name, ok, brief, detail))
        log.info("update: %s %s: %s", name, "ok" if ok else "FAILED", brief)
    except KeyboardInterrupt:
        raise
    except ClaimtrackerError as exc:
        summary.steps.append(StepResult(name, False, "error", error=str(exc),
                                        rate_limited=isinstance(exc, RateLimitedError)))
        log.error("update: %s failed: %s", name, exc)
    except Exception as exc:  # a bug in one step must not hide the others' results
        summary.steps.append(StepResult(name, False, "internal error",
                                        error=f"{type(exc).__name__}: {exc}"))
        log.error("update: %s crashed:\n%s", name, traceback.format_exc())


def run_update(
    store: Store,
    *,
    from_dirs: Sequence[Path] = (),
    transcripts: Sequence[Path] = (),
    fetch: bool = True,
    since: str | None = None,
    cache_dir: Path | None = None,
    log_file: Path | None = None,
    skip_enrich: bool = False,
    skip_score: bool = False,
    progress: bool = False,
    client: EdgarClient | None = None,
    embedder: str | None = None,
    re_embed: bool = False,
    engine: str = "local",
    ray_address: str | None = None,
) -> UpdateSummary:
    """The quarterly batch; see the module docstring. ConfigError (identity) before any work."""
    started = time.monotonic()
    tickers = tracked_tickers(store) if fetch else []
    if tickers and client is None:
        client = EdgarClient.from_config()  # no identity: stop before any request or write
    log_path = log_file or default_log_file()
    summary = UpdateSummary(log_file=log_path)
    args = {"from_dirs": [str(p) for p in from_dirs], "transcripts": [str(p) for p in transcripts],
            "fetch": fetch, "tracked": tickers, "since": since, "skip_enrich": skip_enrich,
            "skip_score": skip_score, "embedder": embedder, "re_embed": re_embed,
            "engine": engine, "ray_address": ray_address}
    try:
        with _log_to(log_path), _sigterm_as_interrupt():
            log.info("update started: %s", args)
            with record_run(store, "update", args) as run:
                _run_steps(store, summary, tickers, from_dirs, transcripts, since, cache_dir,
                           skip_enrich, skip_score, progress, client,
                           {"embedder": embedder, "re_embed": re_embed,
                            "engine": engine, "ray_address": ray_address})
                summary.seconds = time.monotonic() - started
                run.counts.update({s.name: int(s.ok) for s in summary.steps})
                for s in summary.steps:
                    if not s.ok:
                        run.error(s.name, s.error or s.brief)
            log.info("%s", summary.render())
    finally:
        if client is not None:
            client.close()
    return summary


def _run_steps(store: Store, summary: UpdateSummary, tickers: list[str],
               from_dirs: Sequence[Path], transcripts: Sequence[Path], since: str | None,
               cache_dir: Path | None, skip_enrich: bool, skip_score: bool, progress: bool,
               client: EdgarClient | None, enrich_options: dict[str, Any] | None = None,
               ) -> None:
    if tickers:
        from ingest.edgar.sync import ingest_tickers

        _step(summary, "fetch", lambda: ingest_tickers(
            store, tickers, forms=DEFAULT_FORMS, since=since, until=None, cache_dir=cache_dir,
            progress=progress, client=client))
    for folder in from_dirs:
        from ingest.filings.local import ingest_dir

        _step(summary, f"from-dir {folder}",
              lambda folder=folder: ingest_dir(store, Path(folder), progress=progress))
    paths = [Path(p) for p in transcripts]
    if config.DEFAULT_TRANSCRIPTS_DIR.is_dir():
        paths.insert(0, config.DEFAULT_TRANSCRIPTS_DIR)
    if paths:
        from ingest.transcripts import ingest_transcripts

        _step(summary, "transcripts",
              lambda: ingest_transcripts(store, paths, progress=progress))
    if not skip_enrich:
        options = dict(enrich_options or {})
        engine, address = options.pop("engine", "local"), options.pop("ray_address", None)
        if engine == "ray":
            from nlp.ray_engine import enrich_with_ray

            _step(summary, "enrich", lambda: enrich_with_ray(store, address=address,
                                                             progress=progress, **options))
        else:
            from nlp.enrich import enrich

            _step(summary, "enrich", lambda: enrich(store, progress=progress, **options))
    if not skip_score:
        from claims.score import score_claims

        _step(summary, "score", lambda: score_claims(store))
    from alerts.engine import raise_alerts

    # After scoring: verdict flips need this run's verdicts. Tagged with this update's run
    # (the one still running) so that `claimtracker alerts --new` lists what it raised.
    running = store.con.execute("SELECT max(run_id) FROM runs WHERE kind = 'update' "
                                "AND status = 'running'").fetchone()
    _step(summary, "alerts", lambda: raise_alerts(store, run_id=running[0] if running else None))
    if config.setting("alerts_webhook", "CLAIMTRACKER_ALERTS_WEBHOOK"):
        from alerts.webhook import deliver_pending

        # Its own step: a bad URL or a receiver that is down fails this step only; the alerts
        # it missed are posted by the next run (alert_deliveries records what got through).
        _step(summary, "webhook", lambda: deliver_pending(store, str(config.alerts_webhook())))


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """cron's or systemd's SIGTERM ends the run like Ctrl-C: recorded as interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _log_to(path: Path) -> Iterator[None]:
    """Append INFO and above to the update log for the duration of the run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved_level = root.level
    quietened = []
    if root.level == logging.NOTSET or root.level > logging.INFO:
        for other in root.handlers:  # the console stays as quiet as --verbose asked
            if other.level == logging.NOTSET:
                other.setLevel(saved_level or logging.WARNING)
                quietened.append(other)
        root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(saved_level)
        for other in quietened:
            other.setLevel(logging.NOTSET)
