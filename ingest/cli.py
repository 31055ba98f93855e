"""CLI faces of stage 1: `ingest` (a folder or live EDGAR), `facts`, `ingest-transcripts`, `calls`.

The one CLI module of ingest/, like nlp/cli.py and claims/cli.py: the commands import their
subpackage (edgar/, filings/, transcripts/) only when run, so `claimtracker --help` stays quick.
"""

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
from claimtracker.metric_catalog import load_catalog


@click.command()
@click.option(
    "--from-dir",
    "from_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Ingest a local folder of EDGAR files (sec-edgar-downloader layout or an EDGAR mirror).",
)
@click.option("--ticker", "tickers", multiple=True, help="Fetch from live EDGAR (repeatable).")
@click.option("--forms", default="10-Q,10-K,8-K", show_default=True, help="Forms to fetch.")
@click.option("--since", default=None, help="Earliest filing date, YYYY-MM-DD.")
@click.option("--until", default=None, help="Latest filing date, YYYY-MM-DD.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Download cache (sec-edgar-downloader layout) [default data/raw].",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@db_option
@format_option("text", "json")
@handle_errors
def ingest(from_dir, tickers, forms, since, until, cache_dir, no_progress, db, fmt) -> None:
    """Ingest filings from a local folder (--from-dir) or from live EDGAR (--ticker).

    \b
    Examples:
      claimtracker ingest --from-dir ../shared/edgar
      CLAIMTRACKER_SEC_IDENTITY="Jane Doe jane@example.com" \\
        claimtracker ingest --ticker AMZN --since 2024-01-01
    """
    if bool(from_dir) == bool(tickers):
        raise click.UsageError("give either --from-dir PATH or one or more --ticker SYMBOL.")
    with open_store(db) as store:
        if from_dir:
            from ingest.filings.local import ingest_dir

            summary = ingest_dir(store, from_dir, progress=not no_progress)
        else:
            from ingest.edgar.sync import ingest_tickers

            summary = ingest_tickers(
                store,
                list(tickers),
                forms=[f.strip() for f in forms.split(",") if f.strip()],
                since=since,
                until=until,
                cache_dir=cache_dir,
                progress=not no_progress,
            )
    emit_summary(summary, fmt)


@click.command()
@click.option("--ticker", required=True, help="Company ticker, e.g. AMZN.")
@click.option(
    "--metric",
    type=click.Choice(list(load_catalog().headline)),
    default=None,
    help="Only this metric.",
)
@db_option
@format_option("text", "json")
@handle_errors
def facts(ticker, metric, db, fmt) -> None:
    """Reported numbers per fiscal quarter (values in units, exact periods, with their source).

    \b
    Example:
      claimtracker facts --ticker AMZN --metric capex --format json
    """
    from ingest.filings.facts_query import facts_for, render_facts

    with open_store(db, read_only=True) as store:
        rows = facts_for(store, ticker, metric=metric)
    if fmt == "json":
        echo_json(rows)
    else:
        click.echo(render_facts(rows))


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
    """Add stage 1's commands to the `claimtracker` group."""
    main.add_command(ingest)
    main.add_command(facts)
    main.add_command(ingest_transcripts_command)
    main.add_command(calls_command)
