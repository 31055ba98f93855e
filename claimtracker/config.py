"""Settings resolved from flags, environment variables and an optional config file.

Precedence, highest first: command-line flag, environment variable, config file
(`$CLAIMTRACKER_CONFIG`, else `./claimtracker.toml`, else `~/.config/claimtracker/config.toml`),
built-in default. Nothing here prompts: a missing required value raises ConfigError.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from claimtracker.errors import ConfigError

DEFAULT_DB = Path("data") / "claimtracker.duckdb"
DEFAULT_CACHE_DIR = Path("data") / "raw"
DEFAULT_TRANSCRIPTS_DIR = Path("data") / "transcripts"
DEFAULT_LOG_DIR = Path("data") / "logs"
DEFAULT_EDGAR_WWW = "https://www.sec.gov"
DEFAULT_EDGAR_DATA = "https://data.sec.gov"
DEFAULT_MAX_RPS = 10.0
EMBEDDERS = ("torch", "onnx-int8")
DEFAULT_EMBEDDER = "torch"

#: Project data shipped in the repository (taxonomy, claim ledgers, labels).
REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def config_file_path() -> Path | None:
    """The config file in use, if any."""
    explicit = os.environ.get("CLAIMTRACKER_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(
                f"CLAIMTRACKER_CONFIG points to {path}, which is not a file: "
                "create it or unset the variable."
            )
        return path
    for candidate in (Path("claimtracker.toml"), Path.home() / ".config/claimtracker/config.toml"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _file_settings(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove the file.") from exc


def setting(key: str, env: str, default: Any = None) -> Any:
    """Look a value up in the environment, then the config file, then the default."""
    value = os.environ.get(env)
    if value not in (None, ""):
        return value
    return _file_settings(config_file_path()).get(key, default)


def db_path(flag: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB file: `--db`, else CLAIMTRACKER_DB, else data/claimtracker.duckdb."""
    if flag:
        return Path(flag)
    return Path(setting("db", "CLAIMTRACKER_DB", DEFAULT_DB))


def sec_identity() -> str:
    """The User-Agent EDGAR requires ("Name email@example.com"); raises before any request."""
    identity = setting("sec_identity", "CLAIMTRACKER_SEC_IDENTITY")
    if not identity or "@" not in str(identity) or len(str(identity).split()) < 2:
        shown = f" (got {identity!r})" if identity else ""
        raise ConfigError(
            "EDGAR requires a User-Agent with your name and email"
            f"{shown}. Set it before fetching, e.g.\n"
            '  export CLAIMTRACKER_SEC_IDENTITY="Jane Doe jane@example.com"\n'
            'or add  sec_identity = "Jane Doe jane@example.com"  to claimtracker.toml.'
        )
    return str(identity).strip()


def edgar_www() -> str:
    return str(setting("edgar_www", "CLAIMTRACKER_EDGAR_WWW", DEFAULT_EDGAR_WWW)).rstrip("/")


def edgar_data() -> str:
    return str(setting("edgar_data", "CLAIMTRACKER_EDGAR_DATA", DEFAULT_EDGAR_DATA)).rstrip("/")


def max_requests_per_second() -> float:
    raw = setting("max_rps", "CLAIMTRACKER_MAX_RPS", DEFAULT_MAX_RPS)
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"CLAIMTRACKER_MAX_RPS={raw!r} is not a number; use e.g. 8.") from exc
    if not 0 < value <= DEFAULT_MAX_RPS:
        raise ConfigError(
            f"CLAIMTRACKER_MAX_RPS={value} is outside (0, 10]: EDGAR allows at most 10 requests/s."
        )
    return value


def _positive_number(key: str, env: str, default: float) -> float:
    raw = setting(key, env, default)
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{env}={raw!r} is not a number; use e.g. {default}.") from exc
    if value < 0:
        raise ConfigError(f"{env}={value} must not be negative.")
    return value


def edgar_timeout() -> float:
    """Seconds to wait for EDGAR to connect or send data before the request is retried."""
    return _positive_number("edgar_timeout", "CLAIMTRACKER_EDGAR_TIMEOUT", 30.0) or 30.0


def edgar_retries() -> int:
    """Attempts after the first for 429/5xx/resets/timeouts/truncated bodies."""
    return int(_positive_number("edgar_retries", "CLAIMTRACKER_EDGAR_RETRIES", 5))


def edgar_backoff() -> float:
    """Base of the exponential backoff in seconds (1, 2, 4, ... with jitter)."""
    return _positive_number("edgar_backoff", "CLAIMTRACKER_EDGAR_BACKOFF", 1.0)


def edgar_lookback_years() -> int:
    """How far back the first fetch for a company reaches when no --since is given."""
    return int(_positive_number("edgar_lookback_years", "CLAIMTRACKER_EDGAR_LOOKBACK_YEARS", 5))


def alerts_webhook() -> str | None:
    """URL that `update` POSTs its new alerts to (JSON), or None: CLAIMTRACKER_ALERTS_WEBHOOK
    or `alerts_webhook` in claimtracker.toml. `claimtracker alerts --webhook` overrides it."""
    url = setting("alerts_webhook", "CLAIMTRACKER_ALERTS_WEBHOOK")
    if not url:
        return None
    url = str(url).strip()
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"alerts_webhook / CLAIMTRACKER_ALERTS_WEBHOOK={url!r} is not an "
                          "http(s) URL; use e.g. https://hooks.example.com/claimtracker.")
    return url


def embedder_choice(flag: str | None = None) -> tuple[str | None, str]:
    """The embedder backend the user asked for, and where it was asked (for messages).

    None when nobody asked (no flag, no CLAIMTRACKER_EMBEDDER, no `embedder` in the config
    file): `enrich` then keeps the backend a DB's vectors were made with.
    """
    if flag:
        value, where = flag, "--embedder"
    elif os.environ.get("CLAIMTRACKER_EMBEDDER"):
        value, where = os.environ["CLAIMTRACKER_EMBEDDER"], "CLAIMTRACKER_EMBEDDER"
    else:
        path = config_file_path()
        value = _file_settings(path).get("embedder")
        where = f"`embedder` in {path}"
        if value in (None, ""):
            return None, "default"
    value = str(value).strip().lower()
    if value not in EMBEDDERS:
        raise ConfigError(f"{where}={value!r} is not an embedder backend; use one of "
                          f"{', '.join(EMBEDDERS)} (default {DEFAULT_EMBEDDER}).")
    return value, where


def model_cache_dir() -> Path:
    """Where exported models (the ONNX int8 embedder) are cached: CLAIMTRACKER_MODEL_CACHE,
    else `model_cache` in the config file, else $XDG_CACHE_HOME/claimtracker (~/.cache)."""
    value = setting("model_cache", "CLAIMTRACKER_MODEL_CACHE")
    if value:
        return Path(str(value)).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimtracker"
