"""Read a transcript file as text, or fail with an error that names the file.

Bad inputs (empty, binary, not UTF-8) are rejected here, before any parser sees them, so a
parser never has to guess at garbage and nothing is stored for such a file.
"""

from __future__ import annotations

from pathlib import Path

from claimtracker.errors import ParseError

_MAX_BYTES = 20_000_000  # far above any real call (~60 kB); guards against a wrong path


def read_transcript_text(path: Path) -> str:
    """The file's text with Unix newlines; ParseError for empty, binary or non-UTF-8 files."""
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise ParseError(
                f"{path}: {size} bytes is too large for a call transcript; "
                "point ingest-transcripts at transcript text files only."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read the file ({exc.strerror or exc}).") from exc
    if not data.strip():
        raise ParseError(f"{path}: the file is empty; remove it or replace it with the transcript.")
    if b"\x00" in data[:8192]:
        raise ParseError(
            f"{path}: binary data (NUL bytes), not a text transcript; "
            "convert it to plain UTF-8 text first."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{path}: not UTF-8 (invalid byte at offset {exc.start}); "
            "re-save it as UTF-8 text and ingest it again."
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
