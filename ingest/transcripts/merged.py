"""Transcripts whose paragraphs were merged when the English column of a side-by-side page
was extracted (AMZN_2Q25/3Q25/4Q25.txt, GOOG_3Q25.txt).

Speaker changes survive in three shapes: a name (or 'Operator') alone on a line; a name glued
to the END of the previous paragraph's line ('... Please go ahead. Dave Fildes'), optionally
followed by a title line; and in the Q&A 'Label: text', where the label is a name, a title
('CEO & Director') or an affiliation ('MoffettNathanson LLC') and the text may begin with the
speaker's title or firm. Names come from the participant lists, so only listed people (and
the Operator) can start a turn at a line end.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.transcripts import metadata
from ingest.transcripts.model import ParsedCall, Participant, Turn
from ingest.transcripts.roles import SpeakerResolver, is_operator, norm_name
from ingest.transcripts.sp_header import PRESENTATION_HEADINGS, QA_HEADINGS, is_heading, parse_sp_header

_LABEL_RE = re.compile(r"^(?P<label>[^:\n]{2,80}?):\s+(?P<rest>\S.*)$")
_GENERIC_LABEL_RE = re.compile(r"^[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){1,4}$")
_SENTENCE_END = (".", "?", "!", '"', "”", ")", "]")


def count_colon_labels(lines: list[str], resolver: SpeakerResolver) -> int:
    """How many lines start 'Known Speaker: ...' (tells this format from plain S&P)."""
    count = 0
    for line in lines:
        match = _LABEL_RE.match(line.strip())
        if match and resolver.is_known_label(match.group("label")):
            count += 1
    return count


def count_tail_names(lines: list[str], resolver: SpeakerResolver) -> int:
    return sum(1 for line in lines if _tail_label(line.strip(), resolver)[1] is not None)


def _tail_label(line: str, resolver: SpeakerResolver) -> tuple[str, str | None]:
    """Split '... go ahead. Dave Fildes' into ('... go ahead.', 'Dave Fildes')."""
    labels = [p.name for p in resolver.participants] + ["Operator"]
    for label in sorted(labels, key=len, reverse=True):
        if len(line) > len(label) + 1 and line.endswith(" " + label):
            before = line[: -len(label)].rstrip()
            if before.endswith(_SENTENCE_END):
                return before, label
    return line, None


def _strip_own_title(rest: str, participant: Participant | None) -> tuple[str, str | None]:
    """'BofA Securities, Research Division I'll ask ...' -> ("I'll ask ...", the firm)."""
    if participant is None:
        return rest, None
    for prefix in (participant.title, participant.affiliation):
        if prefix and rest.startswith(prefix + " ") and len(rest) > len(prefix) + 1:
            return rest[len(prefix) + 1 :].lstrip(), prefix
    return rest, None


def parse_merged(text: str, path: Path) -> ParsedCall:
    lines = text.split("\n")
    header = parse_sp_header(lines)
    call = ParsedCall(
        format="merged_columns",
        source_files=[path],
        title=header.title,
        company_name=header.company_name,
        participants=header.participants,
    )
    resolver = SpeakerResolver(call.participants, [call.company_name or ""])
    section = "prepared"
    turns: list[Turn] = []
    expect_title = False

    def start(label: str, title: str | None = None) -> Turn:
        turn = Turn(label=label, section=section, text="", title=title)
        turns.append(turn)
        return turn

    def add(text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if not turns:
            start("Unknown speaker")
        turns[-1].text = f"{turns[-1].text}\n{text}" if turns[-1].text else text

    for raw in lines[header.body_start :]:
        line = raw.strip()
        if not line:
            continue
        if is_heading(line, QA_HEADINGS):
            section, expect_title = "qa", False
            continue
        if is_heading(line, PRESENTATION_HEADINGS):
            expect_title = False
            continue
        if expect_title:
            expect_title = False
            speaker = resolver.by_name(turns[-1].label)
            if speaker and norm_name(line) in (
                norm_name(speaker.title or ""), norm_name(speaker.affiliation or "")
            ):
                turns[-1].title = line
                continue
        if is_operator(line) or (len(line) < 60 and resolver.by_name(line) is not None):
            start(line)
            expect_title = True
            continue
        match = _LABEL_RE.match(line)
        if match and _is_label(match.group("label"), resolver):
            label = match.group("label").strip()
            speaker = resolver.by_name(label) or resolver.by_title_or_affiliation(label)
            rest, prefix = _strip_own_title(match.group("rest"), speaker)
            turn = start(label, title=prefix)
            line = rest
            del turn  # text is added below, after looking for a glued name at its end
        before, tail = _tail_label(line, resolver)
        add(before)
        if tail is not None:
            start(tail)
            expect_title = True
    call.turns = [t for t in turns if t.text]
    call.call_date = metadata.date_from_text(call.title)
    return call


def _is_label(label: str, resolver: SpeakerResolver) -> bool:
    if resolver.is_known_label(label):
        return True
    return bool(_GENERIC_LABEL_RE.match(label.strip()))
