"""What every CLI command shares: the --db/--format options, error mapping and JSON output.

Commands stay thin: parse flags, open the store, call one library function, print.
Commands that only read say so (`open_store(db, read_only=True)`): the DB is then never
created, migrated or written, so a mistyped --db is refused instead of created and another
application's file stays as it was. Disk faults DuckDB raises anywhere in a command become a
StorageError message with exit code 74 (`handle_errors`), the one place for every command.
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
import duckdb

from claimtracker import config
from claimtracker.db import Store, storage_error
from claimtracker.errors import ClaimtrackerError

F = TypeVar("F", bound=Callable[..., Any])

_INIT_DB = "claimtracker.init_db"
_OPENED = "claimtracker.db_file"


def _remember_init(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta[_INIT_DB] = value
    return value


def db_option(func: F) -> F:
    """`--db PATH` on every command (else CLAIMTRACKER_DB, else data/claimtracker.duckdb).

    With it comes `--init-db`, the explicit way to create a DB from a reading command or to
    add claimtracker's tables to an existing DuckDB file of another application.
    """
    func = click.option(
        "--init-db",
        is_flag=True,
        expose_value=False,
        callback=_remember_init,
        help="Create the DB file if missing, or add claimtracker's tables to an existing "
        "DuckDB file that has other tables (otherwise refused, untouched).",
    )(func)
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
    """The command's store, read-only when the command only reads (unless --init-db asks to
    create it); the file is remembered so that `handle_errors` can name it."""
    ctx = click.get_current_context(silent=True)
    init = bool(ctx and ctx.meta.get(_INIT_DB))
    path = config.db_path(db)
    if ctx is not None:
        ctx.meta[_OPENED] = path
    store = Store.open(path, read_only=read_only and not init, init=init)
    try:
        yield store
    finally:
        store.close()


def handle_errors(func: F) -> F:
    """Turn ClaimtrackerError into a one-line message and its exit code; Ctrl-C into 130.

    DuckDB errors that are disk faults (full, read-only, no permission) become
    StorageError here, the one place for every command; any other DuckDB error is a bug and
    keeps its traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ClaimtrackerError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except duckdb.Error as exc:  # OSErrors about inputs are the commands' to report
            ctx = click.get_current_context(silent=True)
            mapped = storage_error(exc, ctx.meta.get(_OPENED) if ctx else None)
            if mapped is None:
                raise
            click.echo(f"Error: {mapped}", err=True)
            sys.exit(mapped.exit_code)
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


def write_file(path: Path, content: bytes) -> None:
    """Write a command's output file whole or not at all (a temporary file, then a rename),
    so a full disk or a Ctrl-C never leaves half a report where the last good one was."""
    from claimtracker.errors import StorageError

    tmp = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(content)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"{path}: could not write ({exc.strerror or exc}); check the "
                           "folder's permissions and free space, or choose another --out.") from exc
