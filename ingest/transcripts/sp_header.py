"""The top of S&P-style transcripts: a title line, then the two participant lists.

Shared by the S&P parser and the merged-column parser, whose headers are the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.transcripts.model import Participant
from ingest.transcripts.participants import ANALYST_HEADINGS, COMPANY_HEADINGS, parse_sp_list
from ingest.transcripts.roles import norm_name

PRESENTATION_HEADINGS = ("presentation", "prepared remarks")
QA_HEADINGS = ("question-and-answer session", "questions and answers", "question and answer")
_COMPANY_IN_TITLE = re.compile(r"^(?P<company>.+?)\s*\((?:[A-Z]+:)?[A-Z][A-Z.]{0,5}\)")
# The ticker line of a title broken after the company name ('Broadcom Inc.' / '' /
# '(AVGO) Q1 2026 Earnings Call March 4, 2026 5:00 PM EST').
_TICKER_LINE = re.compile(r"^\((?:[A-Z]+:)?[A-Z][A-Z.]{0,5}\)\s+\S")


@dataclass
class SpHeader:
    title: str | None = None
    company_name: str | None = None
    participants: list[Participant] = field(default_factory=list)
    body_start: int = 0  # index of the first body line


def is_heading(line: str, headings: tuple[str, ...]) -> bool:
    return line.strip().lower().rstrip(":") in headings


def _is_listed(line: str, people: list[Participant]) -> bool:
    """A bare name of someone already listed ('Travis Axelrod' after the lists, TSLA_2Q25.txt)
    is the first speaker of the body, not another list entry."""
    key = norm_name(line)
    return bool(key) and " - " not in line and any(norm_name(p.name) == key for p in people)


def _next_nonblank(lines: list[str], start: int) -> int | None:
    return next((j for j in range(start, len(lines)) if lines[j].strip()), None)


def parse_sp_header(lines: list[str]) -> SpHeader:
    """Title (one line, or company name + '(TICKER) ...' line), lists, and where the body starts."""
    header = SpHeader()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines):
        first = lines[i].strip()
        if not is_heading(first, COMPANY_HEADINGS + QA_HEADINGS + PRESENTATION_HEADINGS):
            i += 1
            rest = _next_nonblank(lines, i)
            if (
                not _COMPANY_IN_TITLE.match(first)
                and rest is not None
                and _TICKER_LINE.match(lines[rest].strip())
            ):
                first = f"{first} {lines[rest].strip()}"
                i = rest + 1
            header.title = first
            match = _COMPANY_IN_TITLE.match(first)
            header.company_name = match.group("company").strip() if match else None
    side: str | None = None
    block: list[str] = []
    body_start = i

    def flush() -> None:
        if side and block:
            header.participants.extend(parse_sp_list(block, side, header.company_name))

    while i < len(lines):
        line = lines[i].strip()
        lowered = line.lower().rstrip(":")
        if lowered in COMPANY_HEADINGS or lowered in ANALYST_HEADINGS:
            flush()
            side = "company" if lowered in COMPANY_HEADINGS else "analyst"
            block = []
        elif side is None:
            if line:
                break  # no lists: the body starts here
        elif (
            is_heading(line, PRESENTATION_HEADINGS + QA_HEADINGS)
            or lowered == "operator"
            or _is_listed(line, header.participants)  # a listed person starts speaking
            or len(line) > 150
            or (line.endswith((".", "?", "!")) and " - " not in line and len(line.split()) > 6)
        ):
            break
        else:
            block.append(line)
        i += 1
        body_start = i
    flush()
    header.body_start = body_start
    return header
