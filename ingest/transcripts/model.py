"""What a parser hands to the writer: one call's metadata, participants and turns.

Parsers only read text; deciding roles, call ids and what to store happens elsewhere, so each
format's parser stays small and the rules that matter downstream (roles) live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROLES = ("management", "analyst", "operator", "investor_relations", "unknown")
SECTIONS = ("prepared", "qa", "summary")  # summary: a vendor's write-up of prepared remarks


@dataclass
class Participant:
    """A person listed (or heard) on the call; `side` is where the list put them."""

    name: str
    role: str = "unknown"
    affiliation: str | None = None
    title: str | None = None


@dataclass
class Turn:
    """One uninterrupted stretch of speech. `label` is the speaker as the file wrote it."""

    label: str
    section: str
    text: str
    speaker: str | None = None
    role: str = "unknown"
    is_boilerplate: bool = False
    # Extra speaker details a format gives on the turn itself (StreetEvents headers).
    affiliation: str | None = None
    title: str | None = None


@dataclass
class ParsedCall:
    """A call as read from one file or one presentation + Q&A pair."""

    format: str  # streetevents | sp | sp_split | merged_columns
    source_files: list[Path]
    title: str | None = None
    ticker: str | None = None  # the company's canonical ticker once assigned (tickers.py)
    cik: int | None = None
    header_ticker: str | None = None
    company_name: str | None = None
    fiscal_year: int | None = None
    fiscal_quarter: int | None = None
    call_date: date | None = None
    participants: list[Participant] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what parsed imperfectly
