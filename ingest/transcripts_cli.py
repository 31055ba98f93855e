"""CLI faces of transcripts: `ingest-transcripts` and `calls` (issue 4)."""

from __future__ import annotations

from pathlib import Path

import click

from claimtracker import config
from claimtracker.cli_support import (
    db_option,
    echo_json,
    emit_summary,
    format_option,
    handle_errors,
    open_store,
)


@click.command("ingest-transcripts")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@db_option
@format_option("text", "json")
@handle_errors
def ingest_transcripts_command(paths, no_progress, db, fmt) -> None:
    """Ingest earnings-call transcripts (files or folders, recursive; default data/transcripts/).

    The format (StreetEvents, S&P, presentation + Q&A pair, merged-column text) is detected
    per file; the same call read twice or from two sources is stored once.

    \b
    Example:
      claimtracker ingest-transcripts ../shared/transcripts
      claimtracker ingest-transcripts AMZN_3Q25_presentation.txt AMZN_3Q25_qna.txt
    """
    from ingest.transcripts import ingest_transcripts

    targets = list(paths) or [config.DEFAULT_TRANSCRIPTS_DIR]
    with open_store(db) as store:
        summary = ingest_transcripts(store, targets, progress=not no_progress)
    emit_summary(summary, fmt)


@click.command("calls")
@click.option("--ticker", default=None,
              help="Only this company, by any of its tickers (GOOG finds GOOGL's calls).")
@click.option("--quarter", default=None, help="Only this fiscal quarter, e.g. 2025Q3.")
@click.option("--full", is_flag=True, help="Text output: print every turn in full.")
@db_option
@format_option("text", "json")
@handle_errors
def calls_command(ticker, quarter, full, db, fmt) -> None:
    """Stored earnings calls with participants and turns (speaker, role, section, text).

    \b
    Example:
      claimtracker calls --ticker AMZN --quarter 2025Q3 --format json
    """
    from claimtracker.quarters import FiscalQuarter
    from ingest.transcripts import calls_for, render_calls

    fiscal_quarter = FiscalQuarter.parse(quarter) if quarter else None
    with open_store(db, read_only=True) as store:
        rows = calls_for(store, ticker=ticker, quarter=fiscal_quarter)
    if fmt == "json":
        echo_json(rows)
    else:
        click.echo(render_calls(rows, full=full))


def register(main: click.Group) -> None:
    """Add `ingest-transcripts` and `calls` to the `claimtracker` group."""
    main.add_command(ingest_transcripts_command)
    main.add_command(calls_command)
