"""YAML loading that remembers line numbers, so config errors can say "file:line: what to fix".

Topics and claim ledgers are data that users edit by hand; pointing at the line matters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from claimtracker.errors import ConfigError

#: Key added to every mapping: the 1-based line where the mapping starts.
LINE = "__line__"


class LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every mapping under `LINE`."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_yaml(raw: bytes, file: Path) -> Any:
    """Parse YAML with line marks; a syntax error becomes a ConfigError naming file:line."""
    try:
        return yaml.load(raw, Loader=LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else str(file)
        raise ConfigError(
            f"{where}: not valid YAML ({exc}); fix the indentation or quoting."
        ) from exc


T = TypeVar("T")


def load_versioned(file: Path, parse: Callable[[Path, bytes], T], *, what: str,
                   restore: str) -> T:
    """`parse(file, bytes)` once per version of a data file users edit (its mtime and size).

    Topics, stance rules, the metric catalogue, the glossary…: read on every query or claim,
    re-read only when the user has saved a new version, with one error when the file is gone.
    `what` names the file for the user ("the stance rules"), `restore` says how to get it back.
    """
    try:
        stat = file.stat()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {file}: {exc.strerror}; {restore}.") from exc
    return _parsed(parse, file, stat.st_mtime_ns, stat.st_size, what, restore)


@lru_cache(maxsize=64)
def _parsed(parse: Callable[[Path, bytes], T], file: Path, mtime_ns: int, size: int,
            what: str, restore: str) -> T:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {file}: {exc.strerror}; {restore}.") from exc
    return parse(file, raw)
