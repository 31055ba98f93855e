"""CLI faces of stage 1: `ingest`, `facts` (filings), plus the EDGAR and transcript commands."""

from __future__ import annotations

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
            from ingest.local import ingest_dir

            summary = ingest_dir(store, from_dir, progress=not no_progress)
        else:
            from ingest.edgar_sync import ingest_tickers

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
    type=click.Choice(["capex", "revenue", "operating_income", "net_income", "employees"]),
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
    from ingest.facts_query import facts_for, render_facts

    with open_store(db, read_only=True) as store:
        rows = facts_for(store, ticker, metric=metric)
    if fmt == "json":
        echo_json(rows)
    else:
        click.echo(render_facts(rows))


def register(main: click.Group) -> None:
    from ingest.transcripts_cli import register as register_transcripts

    main.add_command(ingest)
    main.add_command(facts)
    register_transcripts(main)
