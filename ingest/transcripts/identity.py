"""A call's identity is its content, and which of two copies of one call to keep.

call_id hashes what the non-operator speakers said, after normalising away everything a
publisher's layout changes: line breaks and paragraphing (merged-column files re-flow
paragraphs), case, Unicode quote/dash variants and spacing. Speaker labels and titles are
left out, since vendors spell them differently. So AMZN_3Q25.txt and the
AMZN_3Q25_presentation.txt + AMZN_3Q25_qna.txt pair give the same id. Operator lines are left
out too: vendors edit them most ("[Operator Instructions]"), and they carry no claims.
"""

from __future__ import annotations

import hashlib
import unicodedata

from ingest.transcripts.model import ParsedCall

_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

#: Layouts whose speaker changes are explicit rank above text re-flowed from page columns.
FORMAT_RANK = {"streetevents": 3, "sp_split": 3, "sp": 3, "merged_columns": 1}


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    return " ".join(text.split())


def spoken_text(call: ParsedCall) -> str:
    """The normalised words of everyone but the operator, in order, as one string."""
    return normalise_text(" ".join(t.text for t in call.turns if t.role != "operator"))


def call_id_for(call: ParsedCall) -> str:
    digest = hashlib.sha256(spoken_text(call).encode("utf-8")).hexdigest()
    return f"call-{digest[:20]}"


def quality(format_name: str | None, unknown_turns: int, participants: int) -> tuple[int, ...]:
    """Higher is better: explicit layout first, then fewer unmatched speakers."""
    return (FORMAT_RANK.get(format_name or "", 0), -unknown_turns, participants)


def parsed_quality(call: ParsedCall) -> tuple[int, ...]:
    unknown = sum(1 for t in call.turns if t.role == "unknown")
    return quality(call.format, unknown, len(call.participants))
