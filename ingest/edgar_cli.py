"""CLI faces of live EDGAR: `track` and `update` (issue 3)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Filled in by the live-EDGAR work: adds `track` and `update`."""
