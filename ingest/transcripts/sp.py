"""S&P Global / Seeking-Alpha style transcripts: a name line, then a title line, then text.

A call may come whole, or split by its publisher into a presentation file and a Q&A file
(the Q&A file has neither title nor lists); `parse_sp_parts` joins such a pair into one call.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.transcripts import metadata
from ingest.transcripts.model import ParsedCall, Turn
from ingest.transcripts.roles import UNIDENTIFIED_RE, SpeakerResolver, is_operator
from ingest.transcripts.sp_header import (
    PRESENTATION_HEADINGS,
    QA_HEADINGS,
    is_heading,
    parse_sp_header,
)

_NAME_RE = re.compile(r"^[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,4}$")


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def _speaker_block(
    paragraph: list[str], resolver: SpeakerResolver
) -> tuple[str, str | None] | None:
    """(label, title) when a paragraph is a speaker block, else None."""
    first = paragraph[0]
    if len(paragraph) == 1:
        if (
            is_operator(first)
            or UNIDENTIFIED_RE.match(first)
            or (len(first) < 60 and len(first.split()) >= 2 and resolver.by_name(first))
        ):
            return first, None
        return None
    if (
        len(paragraph) == 2
        and len(first) < 60
        and len(paragraph[1]) < 160
        and (_NAME_RE.match(first) or resolver.by_name(first) is not None)
    ):
        return first, paragraph[1]
    return None


def parse_sp_body(lines: list[str], resolver: SpeakerResolver, section: str) -> list[Turn]:
    """Turns of an S&P body; `section` is where it starts (prepared, or qa for a Q&A file)."""
    turns: list[Turn] = []
    current: Turn | None = None
    texts: list[str] = []

    def close() -> None:
        if current is not None and texts:
            current.text = "\n".join(texts)
            turns.append(current)

    for paragraph in _paragraphs(lines):
        if len(paragraph) == 1 and is_heading(paragraph[0], QA_HEADINGS):
            section = "qa"
            continue
        if len(paragraph) == 1 and is_heading(paragraph[0], PRESENTATION_HEADINGS):
            section = "prepared"
            continue
        block = _speaker_block(paragraph, resolver)
        if block is not None:
            close()
            label, title = block
            current, texts = Turn(label=label, section=section, text="", title=title), []
            continue
        if current is None:  # text before any speaker: keep it, speaker unknown
            current, texts = Turn(label="Unknown speaker", section=section, text=""), []
        texts.append(" ".join(" ".join(paragraph).split()))
    close()
    return turns


def parse_sp(text: str, path: Path) -> ParsedCall:
    """A whole S&P-style call (or only its presentation part) in one file."""
    return parse_sp_parts([(text, path)])


def parse_sp_parts(parts: list[tuple[str, Path]]) -> ParsedCall:
    """One call from its parts in order (presentation first, then Q&A)."""
    paths = [path for _, path in parts]
    call = ParsedCall(format="sp" if len(parts) == 1 else "sp_split", source_files=paths)
    bodies: list[tuple[list[str], str]] = []
    for text, _path in parts:
        lines = text.split("\n")
        header = parse_sp_header(lines)
        if header.title and call.title is None:
            call.title, call.company_name = header.title, header.company_name
        call.participants += header.participants
        first_body = next((line.strip() for line in lines[header.body_start:] if line.strip()), "")
        start = "qa" if is_heading(first_body, QA_HEADINGS) else "prepared"
        bodies.append((lines[header.body_start:], start))
    resolver = SpeakerResolver(call.participants, [call.company_name or ""])
    for body, start in bodies:
        call.turns += parse_sp_body(body, resolver, start)
    call.call_date = metadata.date_from_text(call.title)
    return call
