"""CLI faces of stage 3: `claims add` / `claims extract` (draft a ledger), and `score`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from claimtracker.cli_support import db_option, echo_json, format_option, handle_errors, open_store
from claimtracker.errors import InputError


@click.group()
def claims() -> None:
    """Claim ledgers: draft one from any article (Korean or English), score it as is.

    \b
    Example:
      claimtracker claims add ../shared/articles/amazon-next-cycle.ko.txt --date 2025-11-30
      claimtracker claims extract my-article.txt --ticker META --ticker GOOGL > draft.yaml
    """


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD.") from exc


def _draft_options(func: Any) -> Any:
    func = click.option("--max-sentences", type=click.IntRange(min=1), default=None,
                        metavar="N", help="Refuse articles of more sentences [default: "
                        "data/limits.yaml].")(func)
    func = click.option("--max-chars", type=click.IntRange(min=1), default=None, metavar="N",
                        help="Refuse articles of more characters [default: "
                             "data/limits.yaml].")(func)
    func = click.option("--min-score", type=float, default=None,
                        help="Check-worthiness threshold [default: data/extraction.yaml].")(func)
    func = click.option("--topics/--no-topics", "topics", default=False, show_default=True,
                        help="Add topic ids of data/topics.yaml as a recall hint (loads the "
                             "multilingual model: slower). Claims carry their own terms.")(func)
    func = click.option("--date", "date", callback=_date, default=None, metavar="YYYY-MM-DD",
                        help="Publication date [default: the date the article gives].")(func)
    func = click.option("--ticker", "tickers", multiple=True, metavar="T",
                        help="A company the article is about (repeatable; all are kept). "
                             "Used for claims that name no company.")(func)
    func = db_option(func)
    return click.argument("article_file",
                          type=click.Path(exists=True, dir_okay=False, path_type=Path))(func)


@contextmanager
def _company_db(db: Path | None) -> Iterator[Any]:
    """A read-only connection for company names (companies table), or None without a DB."""
    from claimtracker import config
    from claimtracker.db import Store
    from claimtracker.errors import ClaimtrackerError

    path = config.db_path(db)
    if not path.exists():
        if db is not None:
            raise InputError(f"--db {db} does not exist; give an existing DuckDB file or leave "
                             "--db out (company names then come from data/companies.yaml and "
                             "EDGAR's list).")
        yield None
        return
    try:
        store = Store.open(path, read_only=True)
    except ClaimtrackerError as exc:
        if db is not None:
            raise
        click.echo(f"note: {path} not readable ({exc}); companies from the data files only.",
                   err=True)
        yield None
        return
    try:
        yield store.con
    finally:
        store.close()


def _draft(article_file: Path, tickers: tuple[str, ...], date: dt.date | None, db: Path | None,
           topics: bool, min_score: float | None, sizes: dict[str, Any],
           progress: bool) -> Any:
    """`sizes`: --max-chars / --max-sentences (None: data/limits.yaml's bounds)."""
    from claims.draft_io import draft_ledger
    from claims.extract import AUTO

    with _company_db(db) as con:
        draft = draft_ledger(article_file, tickers=tickers, date=date, con=con,
                             mapper=AUTO if topics else None, min_score=min_score,
                             progress=progress, **sizes)
    if draft.date_source == "today":
        click.echo(f"warning: {article_file} gives no date and --date was not passed: the ledger "
                   f"is dated today ({draft.date}); pass --date YYYY-MM-DD.", err=True)
    return draft


@claims.command()
@_draft_options
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@handle_errors
def extract(article_file: Path, tickers: tuple[str, ...], date: dt.date | None, db: Path | None,
            topics: bool, min_score: float | None, max_chars: int | None,
            max_sentences: int | None, no_progress: bool) -> None:
    """Print the draft ledger of a Korean or English article (the YAML `claims add` writes).

    Companies are resolved per claim ("Name (TICKER)", English and Korean names, EDGAR's
    titles); check-worthy sentences become claims with their own terms, metric, direction,
    time frame (article date, quarter) and comparisons.

    \b
    Example:
      claimtracker claims extract ../shared/articles/amazon-next-cycle.ko.txt --ticker AMZN
    """
    draft = _draft(article_file, tickers, date, db, topics, min_score,
                   {"max_chars": max_chars, "max_sentences": max_sentences}, not no_progress)
    click.echo(draft.yaml_text, nl=False)
    click.echo(draft.summary(), err=True)


@claims.command()
@_draft_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ledger file to write [default: data/claims/<article>.yaml].")
@click.option("--force", is_flag=True, help="Replace an existing, different ledger.")
@click.option("--score", "then_score", is_flag=True,
              help="Then score the ledger and print its timeline (file to verdicts in one step).")
@click.option("--no-progress", is_flag=True, help="No progress bars (drafting, scoring).")
@format_option("text", "json")
@handle_errors
def add(article_file: Path, tickers: tuple[str, ...], date: dt.date | None, db: Path | None,
        topics: bool, min_score: float | None, max_chars: int | None,
        max_sentences: int | None, out: Path | None, force: bool,
        then_score: bool, no_progress: bool, fmt: str) -> None:
    """Draft an article's ledger and write it where `score` finds it (scores without edits).

    With --score the timeline follows at once (the same output as `claimtracker score`); the
    ledger summary then goes to stderr so `--format json` stays parseable.

    \b
    Example:
      claimtracker claims add my-article.txt --ticker NVDA --date 2025-11-20 --score
      claimtracker claims add my-article.txt --out my.yaml && claimtracker score --claims my.yaml
    """
    from claims.draft_io import default_path, write_ledger

    draft = _draft(article_file, tickers, date, db, topics, min_score,
                   {"max_chars": max_chars, "max_sentences": max_sentences}, not no_progress)
    path = out or default_path(article_file)
    written = write_ledger(draft.yaml_text, path, force=force)
    click.echo(("wrote " if written else "unchanged ") + draft.summary(path), err=then_score)
    if then_score:
        _score_and_print((path,), db, fmt, progress=not no_progress)


@click.command()
@click.option("--claims", "claim_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Ledger file(s) to score (repeatable) [default: data/claims/*.yaml].")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@db_option
@format_option("text", "json")
@handle_errors
def score(claim_files: tuple[Path, ...], no_progress: bool, db, fmt: str) -> None:
    """Score every claim, quarter by quarter, against management's words and reported numbers.

    Verdicts (supported | mixed | contradicted | not_discussed) are stored with their evidence;
    a second run only rescores claim-quarters whose inputs changed.

    \b
    Example:
      claimtracker score --claims data/claims/amazon-next-cycle.yaml --format json
    """
    _score_and_print(claim_files, db, fmt, progress=not no_progress)


def _score_and_print(claim_files: tuple[Path, ...], db: Path | None, fmt: str, *,
                     progress: bool) -> None:
    """Score ledgers (all of data/claims/ when none are named) and print the timeline."""
    from claims.ledger import ledger_paths, load_ledger
    from claims.render import render_timeline
    from claims.score import canonical, score_claims

    with open_store(db) as store:
        results = score_claims(store, list(claim_files) or None, progress=progress,
                               warn=lambda message: click.echo(message, err=True))
        wanted = {canonical(store, c.ticker or lg.article.ticker)
                  for lg in map(load_ledger, ledger_paths(list(claim_files) or None))
                  for c in lg.claims}
    for ticker in sorted(wanted - {r["ticker"] for r in results}):
        click.echo(f"warning: no filings, transcripts or numbers of {ticker} in the DB, so its "
                   f"claims have no timeline; load them (`claimtracker ingest --ticker {ticker}`, "
                   "`claimtracker ingest-transcripts FOLDER`, then `claimtracker enrich`) and "
                   "score again.", err=True)
    if fmt == "json":
        echo_json(results)
    else:
        click.echo(render_timeline(results))


def register(main: click.Group) -> None:
    main.add_command(claims)
    main.add_command(score)
