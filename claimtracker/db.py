"""The DuckDB store: opens the file the user named, and only as asked.

`Store.open()` hands out a connection with the schema of `claimtracker.schema` applied.
It never writes where it was not asked to: a reading open (`read_only=True`) neither creates
nor migrates the file; a file that is not a DuckDB database, or a DuckDB database of another
application (tables but no `_migrations`), is refused untouched unless the caller asks to
initialise it (`init=True`, the CLI's `--init-db`). DuckDB's automatic extension install and
load are off on every connection: a file that needs an extension (a SQLite file needs
`sqlite_scanner`) must not make us reach the network; our one extension (FTS) loads from its
pip package. Writers use `store.transaction()` so that one filing, one call or one scoring
batch is written whole or not at all. Disk-level failures (full, read-only, no permission)
become `StorageError` through `storage_error()`, the one place that reads DuckDB's messages.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from claimtracker.errors import (
    DatabaseLockedError,
    DatabaseNotFoundError,
    ForeignDatabaseError,
    SchemaError,
    StorageError,
)
from claimtracker.schema import EMBEDDING_DIM, MIGRATIONS, MIGRATIONS_TABLE, Migration

__all__ = ["EMBEDDING_DIM", "MIGRATIONS", "Migration", "Store", "connect", "storage_error"]

log = logging.getLogger(__name__)

#: Every connection: no extension is ever downloaded or loaded behind our back.
CONNECT_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_DUCKDB_MAGIC = b"DUCK"  # bytes 8..11 of every DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUILD_HINT = ("build it with `claimtracker ingest --from-dir PATH` or `claimtracker update`, "
               "or create an empty one with `claimtracker status --init-db --db PATH`")


def connect(path: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect` with automatic extension install/load off (the only way we connect)."""
    return duckdb.connect(path, read_only=read_only, config=dict(CONNECT_CONFIG))


# -- disk faults -> StorageError --------------------------------------------------------------
_CAUSES: list[tuple[str, str, str]] = [
    # (pattern in DuckDB's message, cause, fix)
    ("no space left on device", "the disk is full",
     "free space on that disk or give --db a path on a disk with room, then run the command "
     "again (work committed so far is kept; the rerun resumes)"),
    ("file too large", "the file hit the size limit for this process (ulimit -f)",
     "raise the limit (`ulimit -f unlimited`) or move the DB, then run the command again"),
    ("disk quota exceeded", "your disk quota is used up",
     "free space in your quota or move the DB, then run the command again"),
    ("read-only file system", "the file system is mounted read-only",
     "give --db a path on a writable file system; commands that only read (status, search) "
     "work on a read-only DB"),
    ("permission denied", "this user has no permission for it",
     "make {folder} and the DB file in it writable for this user (`ls -ld {folder}`), or give "
     "--db a path in a writable folder; commands that only read (status, search) work on a "
     "read-only DB"),
    ("input/output error", "the disk reported an I/O error",
     "check the disk (dmesg), restore the DB from a copy if needed, then run the command again"),
]
_FILE_IN_MESSAGE = re.compile(r'file "([^"]+)"', re.IGNORECASE)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def storage_error(exc: BaseException, db_file: str | os.PathLike[str] | None, *,
                  action: str = "write") -> StorageError | None:
    """The StorageError a DuckDB failure stands for, or None when it is not a disk fault.

    Looks through the exception chain: after a failed WAL write, the cleanup statement that
    follows (closing the run row) fails too and hides the first, telling error.
    """
    for link in _chain(exc):
        if not isinstance(link, (duckdb.Error, OSError)):
            continue
        message = str(link)
        lowered = message.lower()
        for pattern, cause, fix in _CAUSES:
            if pattern in lowered:
                match = _FILE_IN_MESSAGE.search(message)
                file = match.group(1) if match else getattr(link, "filename", None) or db_file
                folder = Path(file).parent if file else "its folder"
                return StorageError(
                    f"cannot {action} {file}: {cause} ({message.strip().splitlines()[0]}). "
                    f"Fix: {fix.format(folder=folder)}.",
                    path=str(file) if file else None,
                )
    return None


def _sniff(db_file: Path) -> None:
    """Refuse, before DuckDB opens it, a file that is not a DuckDB database."""
    try:
        with db_file.open("rb") as fh:
            head = fh.read(16)
    except IsADirectoryError as exc:
        raise ForeignDatabaseError(
            f"--db {db_file} is a folder; give the path of a DuckDB file, e.g. "
            f"{db_file / 'claimtracker.duckdb'}."
        ) from exc
    except OSError as exc:
        raise storage_error(exc, db_file, action="read") or StorageError(
            f"cannot read {db_file}: {exc}. Fix: check the file's permissions.", path=str(db_file)
        ) from exc
    if head[8:12] == _DUCKDB_MAGIC:
        return
    if not head:
        what = "an empty file"
    elif head.startswith(_SQLITE_MAGIC):
        what = "a SQLite database"
    else:
        what = "not a database file"
    raise ForeignDatabaseError(
        f"{db_file} is {what}, not a claimtracker DuckDB database; it was left untouched. "
        "Give --db the claimtracker DB (default data/claimtracker.duckdb) or the path of a "
        "file that does not exist yet, which a writing command creates."
    )


class Store:
    """A DuckDB connection with the claimtracker schema applied."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, read_only: bool):
        self.con = con
        self.path = path
        self.read_only = read_only
        self._fts_loaded = False

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, *, read_only: bool = False,
             create: bool = True, init: bool = False) -> Store:
        """Open the DB; `None` or ":memory:" gives an in-memory store.

        read_only: never create, migrate or write (readers, the app).
        create: a writer may create a missing file (and its folder); False refuses.
        init: add claimtracker's tables to a DuckDB file that has other tables.
        """
        if path in (None, ":memory:"):
            store = cls(connect(":memory:"), None, False)
            store.migrate()
            return store
        db_file = Path(path)
        if db_file.exists():
            _sniff(db_file)
        elif read_only or not create:
            raise DatabaseNotFoundError(f"{db_file} does not exist (nothing was created): "
                                        f"check the path, or {_BUILD_HINT}.")
        else:
            try:
                db_file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise storage_error(exc, db_file.parent, action="create") or StorageError(
                    f"cannot create the folder {db_file.parent}: {exc}.", path=str(db_file)
                ) from exc
        store = cls(cls._connect(db_file, read_only), db_file, read_only)
        try:
            store._check_ours(init=init)
            if read_only:
                store._check_current()
            else:
                store.migrate()
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def _connect(db_file: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return connect(str(db_file), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLockedError(
                    f"{db_file} is locked by another claimtracker process (an ingest or update "
                    "is running). Wait for it to finish, then try again."
                ) from exc
            raise storage_error(exc, db_file, action="open") or SchemaError(
                f"cannot open {db_file}: {exc}"
            ) from exc

    # -- migrations ---------------------------------------------------------------------------
    def _user_tables(self) -> list[str]:
        return [r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND NOT internal ORDER BY table_name"
        ).fetchall()]

    def _check_ours(self, *, init: bool) -> None:
        """Refuse a DuckDB file of another application unless asked to initialise it."""
        tables = self._user_tables()
        if MIGRATIONS_TABLE in tables or init:
            return
        if tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise ForeignDatabaseError(
                f"{self.path} is a DuckDB database of another application (tables {shown}; no "
                f"claimtracker `{MIGRATIONS_TABLE}` table); it was left untouched. Give --db "
                "the claimtracker DB, or add --init-db to add claimtracker's tables to this file."
            )
        if self.read_only:
            raise DatabaseNotFoundError(f"{self.path} holds no claimtracker data yet: "
                                        f"{_BUILD_HINT}.")

    def applied_migrations(self) -> list[str]:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [MIGRATIONS_TABLE],
        ).fetchone()
        if not exists or not exists[0]:
            return []
        rows = self.con.execute("SELECT name FROM _migrations ORDER BY id").fetchall()
        return [r[0] for r in rows]

    def pending_migrations(self) -> list[Migration]:
        applied = set(self.applied_migrations())
        return [m for m in MIGRATIONS if m.name not in applied]

    def has_migration(self, name: str) -> bool:
        return name in self.applied_migrations()

    @property
    def schema_version(self) -> int:
        return len(self.applied_migrations())

    def migrate(self) -> None:
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS _migrations ("
            " id INTEGER PRIMARY KEY, name VARCHAR UNIQUE NOT NULL,"
            " applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        self._check_known()
        pending = self.pending_migrations()
        for migration in pending:
            log.info("applying migration %s", migration.name)
            try:
                with self.transaction():
                    migration.apply(self.con)
                    self.con.execute(
                        "INSERT INTO _migrations (id, name) VALUES (?, ?)",
                        [MIGRATIONS.index(migration) + 1, migration.name],
                    )
            except duckdb.CatalogException as exc:
                raise SchemaError(
                    f"cannot add claimtracker's tables to {self.path} (migration "
                    f"{migration.name}): {exc}. Give --db a new file instead."
                ) from exc
        if pending and self.path is not None:
            # Schema into the main file now: a kill before DuckDB's own checkpoint would
            # otherwise leave the DDL to a WAL replay.
            self.con.execute("CHECKPOINT")

    def _check_known(self) -> None:
        known = {m.name for m in MIGRATIONS}
        unknown = [name for name in self.applied_migrations() if name not in known]
        if unknown:
            raise SchemaError(
                f"{self.path} was written by a newer claimtracker (migrations {unknown}); "
                "upgrade claimtracker or use another --db."
            )

    def _check_current(self) -> None:
        """A reader needs every migration readers rely on; it never applies one itself."""
        self._check_known()
        pending = [m.name for m in self.pending_migrations() if m.required_by_readers]
        if pending:
            raise SchemaError(
                f"{self.path} was built by an older claimtracker and needs migrations {pending}, "
                "which a reading command does not apply. Run a writing command once (e.g. "
                "`claimtracker enrich`, or `claimtracker status --init-db`) with write access."
            )

    # -- transactions -------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception (KeyboardInterrupt too)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- full-text search ---------------------------------------------------------------------
    def load_fts(self) -> None:
        """Load DuckDB's FTS extension from the duckdb-extension-fts package (no download)."""
        if self._fts_loaded:
            return
        from claimtracker.extensions import fts_extension_path

        self.con.execute(f"LOAD '{fts_extension_path()}'")
        self._fts_loaded = True

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
