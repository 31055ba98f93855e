"""CLI faces of stage 2: `enrich`, `tag`, `search` (issue 5)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Filled in by the NLP work."""
