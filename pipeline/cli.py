"""The `claimtracker` command. Each subcommand lives beside the code it drives; this top
floor gathers them (stages never import it)."""

from __future__ import annotations

from pathlib import Path

import click

from claimtracker import __version__
from claimtracker.cli_support import (
    db_option,
    echo_json,
    format_option,
    handle_errors,
    open_store,
    setup_logging,
    write_file,
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


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="File format of the exported tables.")
@click.option("--tables", multiple=True, metavar="T[,T...]",
              help="Tables to export (repeatable or comma-separated) [default: all]: "
                   "companies, filings, calls, facts, sentences, mentions, claim_scores, "
                   "claim_evidence, alerts.")
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write <table>.<format> files into (created if missing).")
@db_option
@handle_errors
def export_command(fmt: str, tables: tuple[str, ...], out_dir: Path, db) -> None:
    """Write the tables users analyse as Parquet or CSV files for pandas, polars or DuckDB.

    Sentences come with their company, quarter, speaker, whether they are management
    language and their source link; mentions and facts with their company. Existing files
    of the same name are replaced only once the new file is complete.

    \b
    Example:
      claimtracker export --out exports/
      claimtracker export --format csv --tables facts,claim_scores --out exports/
      python -c "import pandas as pd; print(pd.read_parquet('exports/facts.parquet'))"
    """
    from pipeline.export import export_tables

    with open_store(db, read_only=True) as store:
        export_tables(store, out_dir, fmt=fmt, tables=tables,
                      on_table=lambda e: click.echo(f"{e.table:<15} {e.rows:>10,} rows  "
                                                    f"{e.path}"))


@main.command("report")
@click.argument("article_id")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "md"]), default="html",
              show_default=True, help="html opens from disk with no network; pdf for print.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="File to write [default: reports/ARTICLE_ID.FORMAT].")
@db_option
@handle_errors
def report_command(article_id: str, fmt: str, out_file: Path | None, db) -> None:
    """One file that shows an article's thesis checked claim by claim.

    The article, each claim's latest verdict and timeline, a chart per claim (score,
    attention, the metric), the top evidence per quarter with its link, the reported
    numbers, the data coverage and how verdicts are made.

    \b
    Example:
      claimtracker report amazon-next-cycle --format pdf --out thesis.pdf
    """
    import time

    from claimtracker import config
    from pipeline.report_data import build_report

    started = time.perf_counter()
    with open_store(db, read_only=True) as store:
        report = build_report(store, article_id, db_path=config.db_path(db))
    out = out_file or Path("reports") / f"{article_id}.{fmt}"
    if fmt == "md":
        from pipeline.report_md import render_markdown

        content: bytes = render_markdown(report).encode("utf-8")
    elif fmt == "pdf":
        from pipeline.report_render import render_pdf

        content = render_pdf(report)
    else:
        from pipeline.report_render import render_html

        content = render_html(report).encode("utf-8")
    write_file(out, content)
    click.echo(f"{out}: {len(report.claims)} claims, {len(content):,} bytes "
               f"({fmt}, {time.perf_counter() - started:.1f} s)")


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
