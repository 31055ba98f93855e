"""The `claimtracker` command. Each subcommand lives beside the code it drives; this top
floor gathers them (stages never import it)."""

from __future__ import annotations

import click

from claimtracker import __version__
from claimtracker.cli_support import (
    db_option,
    echo_json,
    format_option,
    handle_errors,
    open_store,
    setup_logging,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimtracker")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
def main(verbose: int) -> None:
    """Track investment-article claims against what management says and reports.

    \b
    Example:
      claimtracker ingest --from-dir ../shared/edgar
      claimtracker status
    """
    setup_logging(verbose)


@main.command()
@db_option
@format_option("text", "json")
@handle_errors
def status(db, fmt: str) -> None:
    """What the DB holds: filings and calls per company and fiscal quarter, and the last runs.

    \b
    Example:
      claimtracker status --format json
    """
    from pipeline.status import render_status_text, status_report

    with open_store(db, read_only=True) as store:
        report = status_report(store)
    if fmt == "json":
        echo_json(report)
    else:
        click.echo(render_status_text(report))


def _register() -> None:
    """Attach the subcommands that live in the pipeline packages."""
    from alerts.cli import register as register_alerts
    from claims.cli import register as register_claims
    from ingest.cli import register as register_ingest
    from nlp.cli import register as register_nlp
    from pipeline.update_cli import register as register_update

    for register in (register_ingest, register_update, register_nlp, register_claims,
                     register_alerts):
        register(main)


_register()
