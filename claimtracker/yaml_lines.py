"""YAML loading that remembers line numbers, so config errors can say "file:line: what to fix".

Topics and claim ledgers are data that users edit by hand; pointing at the line matters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
