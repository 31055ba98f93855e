"""CLI faces of the quarterly batch: `track` (which companies) and `update` (the pipeline)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claimtracker.cli_support import (
    db_option,
    echo_json,
    emit_summary,
    format_option,
    handle_errors,
    open_store,
)
from nlp.cli import check_engine, embedder_option, engine_options


@click.command()
@click.argument("tickers", nargs=-1, required=True)
@click.option("--untrack", is_flag=True, help="Stop tracking these companies instead.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Download cache [default data/raw].",
)
@db_option
@format_option("text", "json")
@handle_errors
def track(tickers, untrack, cache_dir, db, fmt) -> None:
    """Track companies: `claimtracker update` fetches their new filings every run.

    Tickers not yet in the DB are resolved to CIKs with EDGAR's company list (this needs
    CLAIMTRACKER_SEC_IDENTITY); CIK numbers are accepted too.

    \b
    Example:
      claimtracker track AMZN MSFT
      claimtracker track --untrack MSFT
    """
    from pipeline.update import track as track_companies

    with open_store(db) as store:
        rows = track_companies(store, list(tickers), tracked=not untrack, cache_dir=cache_dir)
    if fmt == "json":
        echo_json(rows)
        return
    for row in rows:
        state = "tracked" if row["tracked"] else "not tracked"
        click.echo(f"{row['ticker']}  CIK {row['cik']}  {row['name'] or ''}  [{state}]")


@click.command()
@click.option("--from-dir", "from_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Also ingest this local folder of EDGAR files (repeatable).")
@click.option("--transcripts", "transcripts", multiple=True, type=click.Path(path_type=Path),
              help="Transcript files or folders, besides data/transcripts (repeatable).")
@click.option("--no-fetch", is_flag=True, help="Do not contact EDGAR, even for tracked companies.")
@click.option("--since", default=None,
              help="Re-list filings from this date (YYYY-MM-DD) [default: since the last run].")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Download cache [default data/raw].")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append the run's log here [default data/logs/update-YYYYMMDD.log].")
@click.option("--skip-enrich", is_flag=True, help="Skip sentence splitting, embeddings, tags.")
@click.option("--skip-score", is_flag=True, help="Skip claim scoring.")
@embedder_option
@click.option("--re-embed", is_flag=True,
              help="Let enrich replace vectors made with another --embedder (else refused).")
@engine_options
@click.option("--progress/--no-progress", default=None,
              help="Progress bars [default: only on a terminal].")
@db_option
@format_option("text", "json")
@handle_errors
def update(from_dirs, transcripts, no_fetch, since, cache_dir, log_file, skip_enrich, skip_score,
           embedder, re_embed, engine, ray_address, progress, db, fmt) -> None:
    """The quarterly batch for cron: fetch, ingest, transcripts, enrich, score.

    Fetches what is new since the last run for every tracked company (needs
    CLAIMTRACKER_SEC_IDENTITY; nothing is fetched when no company is tracked), ingests
    --from-dir folders and transcripts, then enriches and scores. Prints one line; exits 0
    only when every step succeeded (75: EDGAR rate-limited us, try later).

    \b
    Example:
      claimtracker update --from-dir ../shared/edgar --transcripts ../shared/transcripts
      # cron, 06:00 every day:
      0 6 * * * cd /srv/claimtracker && .venv/bin/claimtracker update
    """
    from pipeline.update import run_update

    check_engine(engine, ray_address)
    show_progress = sys.stderr.isatty() if progress is None else progress
    with open_store(db) as store:
        summary = run_update(
            store,
            from_dirs=list(from_dirs),
            transcripts=list(transcripts),
            fetch=not no_fetch,
            since=since,
            cache_dir=cache_dir,
            log_file=log_file,
            skip_enrich=skip_enrich,
            skip_score=skip_score,
            progress=show_progress,
            embedder=embedder,
            re_embed=re_embed,
            engine=engine,
            ray_address=ray_address,
        )
    emit_summary(summary, fmt)


def register(main: click.Group) -> None:
    """Adds `track` and `update` to the `claimtracker` command."""
    main.add_command(track)
    main.add_command(update)
