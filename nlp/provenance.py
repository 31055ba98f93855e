"""Where a sentence comes from: whose language it is, and the file or URL that holds it.

One owner for two rules that the scorer (attention, evidence), search, the CLI and the app
all apply to `sentences` rows, so they cannot drift apart:

- "management language": management turns of calls, plus filing and earnings-release
  sentences (which carry no speaker role). Analysts, operators and IR never count.
- a sentence's source link: the EDGAR URL of its document (else its filing) for filing
  sentences; for a call turn, the transcript file holding it (a call split in two files
  has its Q&A turns in the Q&A file and its prepared remarks in the presentation file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: SQL predicate over a `sentences` row aliased `s` (use as `... AND {MANAGEMENT_SQL}`).
MANAGEMENT_SQL = "(s.role = 'management' OR (s.role IS NULL AND s.doc_type <> 'transcript'))"

#: How a split call's file names say which part they hold (lower-cased name fragments).
_PART_MARKERS = {"qa": ("qna", "q&a", "qa."), "prepared": ("presentation", "prepared")}


def is_management(row: Mapping[str, Any]) -> bool:
    """MANAGEMENT_SQL for a row already read (a search hit, an evidence candidate)."""
    if row.get("role") == "management":
        return True
    return row.get("role") is None and row.get("doc_type") != "transcript"


def transcript_file(files: Sequence[str] | None, section: str | None) -> str | None:
    """The call's file holding a turn: for a call split in two, the part named by `section`."""
    if not files:
        return None
    if len(files) > 1:
        for file in files:
            if any(m in Path(file).name.lower() for m in _PART_MARKERS.get(section or "", ())):
                return file
    return files[0]


def source_link(url: str | None, files: Sequence[str] | None,
                section: str | None) -> str | None:
    """A sentence's link: its document's URL if it has one, else its transcript file."""
    return url or transcript_file(files, section)


def is_web_link(link: str | None) -> bool:
    """True for http(s) links (EDGAR); a transcript file is a local path."""
    return bool(link and str(link).startswith(("http://", "https://")))
