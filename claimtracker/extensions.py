"""Where the offline DuckDB extensions live: shipped inside pip packages, never downloaded."""

from __future__ import annotations

from pathlib import Path

import duckdb

from claimtracker.errors import ConfigError


def fts_extension_path() -> Path:
    """The FTS extension file of the installed `duckdb-extension-fts`, matching duckdb's version."""
    try:
        import duckdb_extension_fts
    except ImportError as exc:
        raise ConfigError(
            "the duckdb-extension-fts package is missing: "
            "`pip install duckdb-extension-fts==" + duckdb.__version__ + "`"
        ) from exc
    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    wanted = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if wanted.is_file():
        return wanted
    found = sorted(root.rglob("fts.duckdb_extension"))
    raise ConfigError(
        f"no FTS extension for duckdb {duckdb.__version__} under {root} "
        f"(found {[p.parent.name for p in found]}); install duckdb-extension-fts=="
        f"{duckdb.__version__}."
    )
