"""CLI faces of stage 3: `claims extract`, `score` (issue 6)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Filled in by the claims work."""
