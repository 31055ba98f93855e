"""CLI faces of stage 3: `claims extract` (draft a ledger from an article) and `score`."""

from __future__ import annotations

from pathlib import Path

import click

from claimtracker.cli_support import db_option, echo_json, format_option, handle_errors, open_store


@click.group()
def claims() -> None:
    """Claim ledgers: draft one from an article, then edit it in data/claims/.

    \b
    Example:
      claimtracker claims extract ../shared/articles/amazon-next-cycle.ko.txt > draft.yaml
    """


@claims.command()
@click.argument("article_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ticker", default=None, help="Ticker the article is about (else guessed).")
@click.option("--min-score", type=float, default=None,
              help="Check-worthiness threshold (default: the calibrated one).")
@handle_errors
def extract(article_file: Path, ticker: str | None, min_score: float | None) -> None:
    """Propose the checkable claims of a Korean or English article as a draft ledger (YAML).

    Sentences are split by rules (Korean endings too), kept when they assert something
    checkable (entities, numbers, trends, forecasts) and mapped to topics of data/topics.yaml
    with the multilingual-e5 model. Edit the draft before scoring it.

    \b
    Example:
      claimtracker claims extract ../shared/articles/amazon-next-cycle.ko.txt --ticker AMZN
    """
    from claims.extract import extract_draft

    click.echo(extract_draft(article_file, ticker=ticker, min_score=min_score), nl=False)


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
    from claims.render import render_timeline
    from claims.score import score_claims

    with open_store(db) as store:
        results = score_claims(store, list(claim_files) or None, progress=not no_progress)
    if fmt == "json":
        echo_json(results)
    else:
        click.echo(render_timeline(results))


def register(main: click.Group) -> None:
    main.add_command(claims)
    main.add_command(score)
