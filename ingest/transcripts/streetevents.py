"""Thomson Reuters / Refinitiv StreetEvents transcripts.

Layout: a title and date line, '====' framed headings (Corporate Participants, Conference
Call Participiants, Presentation, Questions and Answers), and turns framed by '----' lines
with a header 'Name,  Company - Title    [n]' or 'Operator    [n]'.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.transcripts import metadata
from ingest.transcripts.event_brief import load_summary_rules, summary_turns
from ingest.transcripts.model import ParsedCall, Turn
from ingest.transcripts.participants import (
    ANALYST_HEADINGS,
    COMPANY_HEADINGS,
    parse_streetevents_list,
)

_RULE_EQ = re.compile(r"^={20,}\s*$")
_RULE_DASH = re.compile(r"^-{20,}\s*$")
_HEADER_RE = re.compile(r"^(?P<label>\S.*?)\s+\[\d+\]\s*$")
_STOP_HEADINGS = ("definitions", "disclaimer")
# Event Briefs time-stamp their verbatim Q&A inline: '<Sync id="L190"time="00:29:30"/>Our ...'.
_SYNC_TAG = re.compile(r"<Sync\b[^>]*/?>", re.IGNORECASE)


def looks_like_streetevents(text: str) -> bool:
    head = text[:600]
    if "StreetEvents" in head:
        return True
    lines = text.split("\n")
    rules = sum(1 for line in lines if _RULE_EQ.match(line))
    headers = sum(1 for line in lines if _HEADER_RE.match(line))
    return rules >= 4 and headers >= 2


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Split into (heading, lines) by the '====' framed headings."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    i = 0
    while i < len(lines):
        if _RULE_EQ.match(lines[i]) and i + 2 < len(lines) and _RULE_EQ.match(lines[i + 2]):
            blocks.append((lines[i + 1].strip(), []))
            i += 3
            continue
        blocks[-1][1].append(lines[i])
        i += 1
    return blocks


def split_header(label: str) -> tuple[str, str | None, str | None]:
    """'Brian T. Olsavsky,  Amazon.com, Inc. - Senior VP & CFO' -> name, affiliation, title."""
    if "," not in label:
        return label.strip(), None, None
    name, _, rest = label.partition(",  ") if ",  " in label else label.partition(",")
    rest = rest.strip()
    if rest in ("", "-"):
        return name.strip(), None, None
    affiliation, sep, title = rest.rpartition(" -") if " -" in rest else (rest, "", "")
    return name.strip(), affiliation.strip() or None, (title.strip() or None) if sep else None


def _turns(lines: list[str], section: str) -> list[Turn]:
    turns: list[Turn] = []
    i = 0
    current: Turn | None = None
    paragraphs: list[str] = []
    while i < len(lines):
        line = lines[i]
        if (
            _RULE_DASH.match(line)
            and i + 2 < len(lines)
            and _HEADER_RE.match(lines[i + 1])
            and _RULE_DASH.match(lines[i + 2])
        ):
            if current is not None:
                current.text = "\n".join(paragraphs)
                turns.append(current)
            label = _HEADER_RE.match(lines[i + 1]).group("label")  # type: ignore[union-attr]
            name, affiliation, title = split_header(label)
            current = Turn(label=name, section=section, text="", affiliation=affiliation,
                           title=title)
            paragraphs = []
            i += 3
            continue
        if (
            _RULE_DASH.match(line)
            and i + 2 < len(lines)
            and lines[i + 1].strip().lower() in _STOP_HEADINGS
        ):
            break  # the vendor's Definitions / Disclaimer pages: not part of the call
        if current is not None and line.strip() and not _RULE_DASH.match(line):
            text = " ".join(_SYNC_TAG.sub(" ", line).split())
            if text:
                paragraphs.append(text)
        i += 1
    if current is not None:
        current.text = "\n".join(paragraphs)
        turns.append(current)
    return [t for t in turns if t.text]


def parse_streetevents(text: str, path: Path) -> ParsedCall:
    lines = text.split("\n")
    blocks = _blocks(lines)
    preamble = [line.strip() for line in blocks[0][1] if line.strip()]
    title = next(
        (line for line in preamble if "call" in line.lower() or metadata.quarter_from_title(line)),
        None,
    )
    call = ParsedCall(format="streetevents", source_files=[path], title=title)
    brief = any("event brief" in line.lower() for line in preamble)
    if brief:
        # Prepared remarks are the vendor's bullet summary, not speech: kept as `summary`.
        call.notes.append("Event Brief: prepared remarks are a vendor summary, stored as "
                          "section 'summary'")
    call.call_date = metadata.date_from_text("\n".join(preamble)) or metadata.date_from_filename(
        path
    )
    for heading, block in blocks[1:]:
        key = heading.lower()
        if key in COMPANY_HEADINGS:
            call.participants += parse_streetevents_list(block, "company")
        elif key in ANALYST_HEADINGS:
            call.participants += parse_streetevents_list(block, "analyst")
        elif brief and key == load_summary_rules().block_heading:
            call.turns += summary_turns(block, call.participants)
        elif key.startswith("presentation"):
            call.turns += _turns(block, "prepared")
        elif key.startswith("question"):
            call.turns += _turns(block, "qa")
        elif key in _STOP_HEADINGS:
            continue
    company = next(
        (p.affiliation for p in call.participants if p.role != "analyst" and p.affiliation), None
    )
    call.company_name = company
    return call
