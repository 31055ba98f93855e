"""The claimtracker error tree.

Every error a user can act on derives from ClaimtrackerError, names the input it concerns
and says what to do. The CLI maps it to a message and exit code; anything else is a bug.

    ClaimtrackerError
    ├── ConfigError            bad or missing settings (identity, paths, flags, YAML files)
    ├── InputError             a user-supplied file or folder that cannot be used
    │   ├── ParseError         a document whose content cannot be parsed (names file/accession)
    │   ├── DatabaseNotFoundError  a reading command was given a DB file that does not exist
    │   └── ForeignDatabaseError   the --db file is not a claimtracker DB (SQLite, another
    │                          app's DuckDB, not a database at all); nothing is written to it
    ├── SchemaError            the DuckDB file is of an unknown or newer schema, or a read-only
    │                          open found migrations pending
    ├── DatabaseLockedError    another process holds the DuckDB write lock
    ├── StorageError           the disk refused: no space, no permission, read-only or failing
    │                          file system (names the file, the cause and the fix)
    ├── ModelError             a model package is missing or does not load
    └── FetchError             talking to EDGAR failed (carries the URL)
        ├── RateLimitedError   EDGAR's 403 "Request Rate Threshold Exceeded" (10-minute block)
        ├── IdentityRejectedError  EDGAR's "Undeclared Automated Tool" page: fix the User-Agent
        ├── NotFoundError      404 for a ticker, CIK or file
        ├── TransientFetchError  429/5xx/reset/timeout/truncated body, after all retries
        └── WebhookError       POSTing alerts to a webhook failed after its retries (names URL)

Exit codes: 1 generic, 2 bad input or settings (ConfigError, InputError and its subclasses,
IdentityRejectedError), 74 storage (EX_IOERR), 75 try again later (EX_TEMPFAIL: lock, EDGAR
rate limit), 130 Ctrl-C.

Misuse of the library (wrong argument types, calling stages out of order) raises the usual
built-in exceptions and sits outside this tree, so catching I/O failures never hides a bug.
"""

from __future__ import annotations


class ClaimtrackerError(Exception):
    """Root of every error a user can act on."""

    exit_code = 1


class ConfigError(ClaimtrackerError):
    """A setting, flag or config file is missing or invalid."""

    exit_code = 2


class InputError(ClaimtrackerError):
    """A user-supplied path or input cannot be used."""

    exit_code = 2


class ParseError(InputError):
    """A document's content cannot be parsed; the message names the file or accession."""


class DatabaseNotFoundError(InputError):
    """A command that only reads was pointed at a DB file that does not exist (never created)."""


class ForeignDatabaseError(InputError):
    """The DB file exists but is not claimtracker's; it is left untouched."""


class SchemaError(ClaimtrackerError):
    """The DuckDB file has a schema this version does not understand."""


class DatabaseLockedError(ClaimtrackerError):
    """Another process holds the DuckDB write lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class StorageError(ClaimtrackerError):
    """The file system refused a read or write of the DB (disk full, permissions, read-only FS).

    `path` is the file DuckDB could not write (the DB or its .wal), when known.
    """

    exit_code = 74  # EX_IOERR

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.path = path


class ModelError(ClaimtrackerError):
    """A model package is missing or cannot be loaded offline."""


class FetchError(ClaimtrackerError):
    """A request to EDGAR failed; `url` names it."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


class RateLimitedError(FetchError):
    """EDGAR answered with its rate-limit page: stop, the block lasts about 10 minutes."""

    exit_code = 75


class IdentityRejectedError(FetchError):
    """EDGAR rejected the User-Agent as an undeclared automated tool."""

    exit_code = 2


class NotFoundError(FetchError):
    """EDGAR has no such ticker, CIK or file."""


class TransientFetchError(FetchError):
    """A retryable failure (429, 5xx, reset, timeout, truncated body) that outlived its retries."""


class WebhookError(FetchError):
    """POSTing alerts to a webhook failed (refused, 4xx, or 429/5xx/timeouts after retries);
    the alerts not delivered are posted again on the next run."""

    exit_code = 75  # try again later
