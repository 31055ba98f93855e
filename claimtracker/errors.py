"""The claimtracker error tree.

Every error a user can act on derives from ClaimtrackerError, names the input it concerns
and says what to do. The CLI maps it to a message and exit code; anything else is a bug.

    ClaimtrackerError
    ├── ConfigError            bad or missing settings (identity, paths, flags, YAML files)
    ├── InputError             a user-supplied file or folder that cannot be used
    │   └── ParseError         a document whose content cannot be parsed (names file/accession)
    ├── SchemaError            the DuckDB file is of an unknown or newer schema
    ├── DatabaseLockedError    another process holds the DuckDB write lock
    ├── ModelError             a model package is missing or does not load
    └── FetchError             talking to EDGAR failed (carries the URL)
        ├── RateLimitedError   EDGAR's 403 "Request Rate Threshold Exceeded" (10-minute block)
        ├── IdentityRejectedError  EDGAR's "Undeclared Automated Tool" page: fix the User-Agent
        ├── NotFoundError      404 for a ticker, CIK or file
        └── TransientFetchError  429/5xx/reset/timeout/truncated body, after all retries

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


class SchemaError(ClaimtrackerError):
    """The DuckDB file has a schema this version does not understand."""


class DatabaseLockedError(ClaimtrackerError):
    """Another process holds the DuckDB write lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


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
