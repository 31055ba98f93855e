"""CLI faces of transcripts: `ingest-transcripts` and `calls` (issue 4)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Filled in by the transcript work: adds `ingest-transcripts` and `calls`."""
