"""`ingest_transcripts`: files or folders of transcripts -> calls, participants and turns.

Each file is read and its format detected; split calls are paired; every call is written
in its own transaction, so a bad file is reported (named) and skipped while the rest carry
on. At the end every call is (re-)linked to its company's filings of the same quarter.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claimtracker.db import Store
from claimtracker.errors import ClaimtrackerError, InputError
from claimtracker.runs import record_run
from ingest.transcripts.assemble import finalise
from ingest.transcripts.detect import detect_format
from ingest.transcripts.linking import assign_company, link_calls
from ingest.transcripts.merged import parse_merged
from ingest.transcripts.model import ParsedCall
from ingest.transcripts.pairing import ReadFile, group_calls
from ingest.transcripts.reading import read_transcript_text
from ingest.transcripts.sp import parse_sp_parts
from ingest.transcripts.streetevents import parse_streetevents
from ingest.transcripts.writer import write_call

log = logging.getLogger(__name__)

_SUFFIXES = {".txt", ".text", ".md"}
_NOT_TRANSCRIPTS = ("readme", "license", "licence", "manifest", "changelog")


@dataclass
class TranscriptSummary:
    """What one run did, for the CLI, `runs` and the caller."""

    files: int = 0
    #: new | unchanged | updated | replaced | duplicate
    outcomes: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)  # calls parsed per format
    turns: int = 0
    participants: int = 0
    links_added: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every file was ingested; 1 when some failed (the others are stored)."""
        return 1 if self.errors else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "calls_new": self.outcomes["new"],
            "calls_unchanged": self.outcomes["unchanged"],
            "calls_updated": self.outcomes["updated"],
            "calls_replaced": self.outcomes["replaced"],
            "calls_duplicate": self.outcomes["duplicate"],
            "formats": dict(self.formats),
            "turns": self.turns,
            "participants": self.participants,
            "filing_links_added": self.links_added,
            "calls": self.calls,
            "errors": self.errors,
        }

    def render(self) -> str:
        lines = [
            f"Transcripts: {self.files} files -> {sum(self.outcomes.values())} calls "
            f"({self.outcomes['new']} new, {self.outcomes['updated']} re-parsed, "
            f"{self.outcomes['replaced']} replaced by a better source, "
            f"{self.outcomes['duplicate']} duplicates, {self.outcomes['unchanged']} unchanged); "
            f"{self.turns} turns, {self.participants} participants; "
            f"{self.links_added} new call-filing links.",
        ]
        if self.formats:
            formats = sorted(self.formats.items())
            lines.append("Formats: " + ", ".join(f"{k} {v}" for k, v in formats))
        for call in self.calls:
            if call.get("notes"):
                lines.append(f"  note {call['ticker']} {call['quarter']}: {call['notes']}")
        if self.errors:
            lines.append(f"{len(self.errors)} file(s) failed, nothing stored for them:")
            lines += [f"  {e['input']}: {e['error']}" for e in self.errors]
        return "\n".join(lines)


def collect_files(paths: list[Path]) -> list[Path]:
    """Transcript files under `paths`: named files as given; in folders (recursively) text
    files other than hidden ones and README/LICENSE/MANIFEST notes."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in _SUFFIXES
                and not p.name.lower().startswith(_NOT_TRANSCRIPTS)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder; give transcript files or folders.")
    return list(dict.fromkeys(found))


def parse_group(group: list[ReadFile]) -> ParsedCall:
    """Parse one call (one file or a presentation + Q&A pair) and finalise it."""
    first = group[0]
    if first.format == "streetevents":
        call = parse_streetevents(first.text, first.path)
    elif first.format == "merged_columns":
        call = parse_merged(first.text, first.path)
    else:
        call = parse_sp_parts([(f.text, f.path) for f in group])
    return finalise(call)


def ingest_transcripts(
    store: Store, paths: list[Path], *, progress: bool = True
) -> TranscriptSummary:
    """Ingest transcript files/folders; idempotent (content-hashed call ids)."""
    paths = [Path(p) for p in paths]
    summary = TranscriptSummary()
    with record_run(store, "transcripts", {"paths": [str(p) for p in paths]}) as run:
        files = collect_files(paths)
        summary.files = len(files)
        read: list[ReadFile] = []
        for path in tqdm(files, desc="reading transcripts", unit="file", disable=not progress):
            try:
                text = read_transcript_text(path)
                read.append(ReadFile(path, text, detect_format(text, path)))
            except ClaimtrackerError as exc:
                summary.errors.append({"input": str(path), "error": str(exc)})
        groups = group_calls(read)
        for group in tqdm(groups, desc="storing calls", unit="call", disable=not progress):
            names = " + ".join(str(f.path) for f in group)
            try:
                call = parse_group(group)
                assign_company(store, call)
                call_id, outcome = write_call(store, call)
            except ClaimtrackerError as exc:
                summary.errors.append({"input": names, "error": str(exc)})
                continue
            summary.outcomes[outcome] += 1
            summary.formats[call.format] += 1
            summary.turns += len(call.turns)
            summary.participants += len(call.participants)
            summary.calls.append(
                {
                    "call_id": call_id,
                    "ticker": call.ticker,
                    "quarter": f"{call.fiscal_year}Q{call.fiscal_quarter}"
                    if call.fiscal_year else None,
                    "date": call.call_date,
                    "format": call.format,
                    "files": [str(f.path) for f in group],
                    "outcome": outcome,
                    "turns": len(call.turns),
                    "notes": "; ".join(call.notes) or None,
                }
            )
        with store.transaction():
            summary.links_added = link_calls(store)
        for key, value in summary.as_dict().items():
            if isinstance(value, int):
                run.count(key, value)
        for error in summary.errors:
            run.error(error["input"], error["error"])
    return summary
