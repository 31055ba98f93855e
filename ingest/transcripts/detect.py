"""Which of the known layouts a transcript file uses, decided from its text alone.

The user never names a format: StreetEvents has '====' framed headings and '[n]' speaker
headers; S&P files have participant lists and name/title speaker blocks; merged-column
files have the same header but 'Name: text' Q&A lines and names glued to line ends; a Q&A
part of a split call starts with 'Question-and-Answer Session'.
"""

from __future__ import annotations

from pathlib import Path

from claimtracker.errors import ParseError
from ingest.transcripts.merged import count_colon_labels, count_tail_names
from ingest.transcripts.roles import SpeakerResolver
from ingest.transcripts.sp import parse_sp_body
from ingest.transcripts.sp_header import QA_HEADINGS, is_heading, parse_sp_header
from ingest.transcripts.streetevents import looks_like_streetevents

FORMATS = ("streetevents", "sp", "sp_split", "merged_columns")


def detect_format(text: str, path: Path) -> str:
    """'streetevents' | 'sp' | 'sp_qna' (a Q&A part) | 'merged_columns'; ParseError if none."""
    if looks_like_streetevents(text):
        return "streetevents"
    lines = text.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if is_heading(first, QA_HEADINGS):
        return "sp_qna"
    header = parse_sp_header(lines)
    resolver = SpeakerResolver(header.participants, [header.company_name or ""])
    body = lines[header.body_start :]
    if header.participants:
        labels = count_colon_labels(body, resolver)
        tails = count_tail_names(body, resolver)
        if labels >= 2 or tails >= 2:
            return "merged_columns"
    turns = parse_sp_body(body, SpeakerResolver(header.participants), "prepared")
    speakers = {t.label for t in turns if t.label != "Unknown speaker"}
    if len(speakers) >= 2 or (header.participants and speakers):
        return "sp"
    raise ParseError(
        f"{path}: no recognisable transcript structure (no StreetEvents headers, participant "
        "lists or speaker lines); check that this is an earnings-call transcript."
    )
