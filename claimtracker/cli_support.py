"""What every CLI command shares: the --db/--format options, error mapping and JSON output.

Commands stay thin: parse flags, open the store, call one library function, print.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click

from claimtracker import config
from claimtracker.db import Store
from claimtracker.errors import ClaimtrackerError

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """`--db PATH` on every command (else CLAIMTRACKER_DB, else data/claimtracker.duckdb)."""
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="DuckDB file [env CLAIMTRACKER_DB; default data/claimtracker.duckdb].",
    )(func)


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


@contextmanager
def open_store(db: Path | None, *, read_only: bool = False) -> Iterator[Store]:
    store = Store.open(config.db_path(db), read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def handle_errors(func: F) -> F:
    """Turn ClaimtrackerError into a one-line message and its exit code; Ctrl-C into 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ClaimtrackerError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; work committed so far is kept. Run again to resume.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any, *, indent: int | None = 2) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, indent=indent)


def echo_json(value: Any) -> None:
    click.echo(dumps(value))


def setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def emit_summary(summary: Any, fmt: str) -> None:
    """Print a run summary (`as_dict()` as JSON, else `render()`) and exit with its exit code.

    Every long-running command (ingest, transcripts, enrich, update) returns such a summary.
    """
    if fmt == "json":
        echo_json(summary.as_dict())
    else:
        click.echo(summary.render())
    if summary.exit_code:
        raise SystemExit(summary.exit_code)
