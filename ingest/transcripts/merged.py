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
from ingest.transcripts.sp_header import (
    PRESENTATION_HEADINGS,
    QA_HEADINGS,
    is_heading,
    parse_sp_header,
)

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
    return sum(1 for line in lines if len(split_at_names(line.strip(), resolver)) > 1)


def split_at_names(line: str, resolver: SpeakerResolver) -> list[tuple[str | None, str]]:
    """Split a line where a listed participant's full name follows the end of a sentence.

    '... go ahead. Dave Fildes' -> [(None, '... go ahead.'), ('Dave Fildes', '')];
    '... with Evercore. Mark Stephen F. Mahaney Okay. I'll stick ...' -> [(None, '... with
    Evercore.'), ('Mark Stephen F. Mahaney', "Okay. I'll stick ...")]. Only full listed names
    (and 'Operator' at a line end) split, so a short 'Andy' or 'Brian' in speech never does.
    """
    names = sorted({p.name for p in resolver.participants if len(p.name.split()) >= 2},
                   key=len, reverse=True)
    cuts: list[tuple[int, int, str]] = []
    for name in names:
        for match in re.finditer(re.escape(name), line):
            start, end = match.span()
            if start == 0 or not line[:start].rstrip().endswith(_SENTENCE_END):
                continue
            if line[start - 1] != " ":
                continue
            after = line[end:]
            if after and not re.match(r" +[A-Z\"'“\[]", after):
                continue
            if any(s < end and start < e for s, e, _ in cuts):
                continue  # inside a longer name already cut
            cuts.append((start, end, name))
    if line.endswith(" Operator") and line[: -len("Operator")].rstrip().endswith(_SENTENCE_END):
        cuts.append((len(line) - len("Operator"), len(line), "Operator"))
    segments: list[tuple[str | None, str]] = []
    position, label = 0, None
    for start, end, name in sorted(cuts):
        segments.append((label, line[position:start].strip()))
        position, label = end, name
    segments.append((label, line[position:].strip()))
    return segments


def _strip_own_title(rest: str, participant: Participant | None) -> tuple[str, str | None]:
    """'BofA Securities, Research Division I'll ask ...' -> ("I'll ask ...", the firm).

    A label followed by nothing but the speaker's own title (AVGO_1Q26.txt: 'Charlie Kawwas:
    President of Semiconductor Solutions', the answer itself missing) is no speech: ''."""
    if participant is None:
        return rest, None
    for prefix in (participant.title, participant.affiliation):
        if prefix and rest.strip() == prefix:
            return "", prefix
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
    labels_seen = False  # 'Name: text' lines seen yet (the Q&A part of these files)

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
        if is_operator(line) or (
            len(line) < 60 and len(line.split()) >= 2 and resolver.by_name(line) is not None
        ):
            start(line)
            expect_title = True
            continue
        match = _LABEL_RE.match(line)
        if match and _is_label(match.group("label"), resolver, labels_seen):
            labels_seen = True
            label = match.group("label").strip()
            speaker = resolver.by_name(label) or resolver.by_title_or_affiliation(label)
            line, prefix = _strip_own_title(match.group("rest"), speaker)
            start(label, title=prefix)  # its text is added below, after splitting glued names
        segments = split_at_names(line, resolver)
        for label, text in segments:
            if label is not None:
                start(label)
                expect_title = not text
            add(text)
    call.turns = [t for t in turns if t.text]
    call.call_date = metadata.date_from_text(call.title)
    return call


def _is_label(label: str, resolver: SpeakerResolver, labels_seen: bool) -> bool:
    """A known speaker, title or firm; an unlisted name only once 'Name: text' lines have
    begun, so 'Looking Ahead: ...' in prepared remarks never becomes a speaker."""
    if resolver.is_known_label(label):
        return True
    return labels_seen and bool(_GENERIC_LABEL_RE.match(label.strip()))
