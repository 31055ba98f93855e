"""Turn a parser's raw call into the stored shape: roles, sections, boilerplate, metadata."""

from __future__ import annotations

import re

from claimtracker.errors import ParseError
from ingest.transcripts import metadata
from ingest.transcripts.model import ParsedCall, Participant, Turn
from ingest.transcripts.roles import SpeakerResolver, is_operator, mark_boilerplate, norm_name

_IR_PHRASE = re.compile(r"investor relations|\bIR\b", re.IGNORECASE)


def finalise(call: ParsedCall) -> ParsedCall:
    """Resolve speakers, fill Q&A sections and metadata; ParseError if nothing was said."""
    names = ", ".join(str(p) for p in call.source_files)
    if not any(t.text.strip() for t in call.turns):
        raise ParseError(f"{names}: no speaker turns found; nothing was stored for it.")
    _infer_investor_relations(call)
    resolver = SpeakerResolver(call.participants, [call.company_name or ""])
    for turn in call.turns:
        resolver.resolve(turn)
    call.participants = _unique(resolver.participants)
    if any(t.role == "operator" for t in call.turns):
        call.participants.append(Participant("Operator", "operator"))
    _fill_qa_section(call.turns)
    mark_boilerplate(call.turns)
    unknown = sorted({t.speaker or t.label for t in call.turns if t.role == "unknown"})
    if unknown:
        call.notes.append(f"speakers not matched to a participant list: {', '.join(unknown)}")
    _fill_metadata(call)
    if not call.ticker:
        raise ParseError(
            f"{names}: no company ticker in the file name, folder or title; name the file "
            "like AMZN_3Q25.txt or put it in a folder named after the ticker."
        )
    return call


def _infer_investor_relations(call: ParsedCall) -> None:
    """A company participant listed without a title (GOOG's 'James Friedland', StreetEvents'
    'Dave Fildes - ') is investor_relations when the operator introduces them as such."""
    untitled = [p for p in call.participants if p.role == "management" and not p.title]
    if not untitled:
        return
    operator_text = " ".join(t.text for t in call.turns if is_operator(t.label))
    for sentence in re.split(r"(?<=[.!?])\s+", operator_text):
        if not _IR_PHRASE.search(sentence):
            continue
        for person in untitled:
            if norm_name(person.name).split()[-1] in norm_name(sentence).split():
                person.role = "investor_relations"


def _unique(participants: list[Participant]) -> list[Participant]:
    seen: dict[str, Participant] = {}
    for p in participants:
        key = norm_name(p.name)
        if key and key not in seen:
            seen[key] = p
    return list(seen.values())


def _fill_qa_section(turns: list[Turn]) -> None:
    """No explicit Q&A heading (merged files): Q&A starts at the first analyst's turn,
    together with the operator turn that introduced it."""
    if any(t.section == "qa" for t in turns):
        return
    first = next((i for i, t in enumerate(turns) if t.role == "analyst"), None)
    if first is None:
        return
    if first > 0 and turns[first - 1].role == "operator":
        first -= 1
    for turn in turns[first:]:
        turn.section = "qa"


def _fill_metadata(call: ParsedCall) -> None:
    first = call.source_files[0]
    call.header_ticker = metadata.ticker_from_title(call.title)
    call.ticker = metadata.ticker_from_path(first) or call.header_ticker
    quarter = metadata.quarter_from_title(call.title)
    named = next(
        (q for q in (metadata.quarter_from_filename(p) for p in call.source_files) if q), None
    )
    if quarter and named and quarter != named:
        call.notes.append(f"title says {quarter}, file name says {named}: kept the title's")
    quarter = quarter or named
    if quarter:
        call.fiscal_year, call.fiscal_quarter = quarter.year, quarter.quarter
    if call.call_date is None:
        call.call_date = next(
            (d for d in (metadata.date_from_filename(p) for p in call.source_files) if d), None
        )
