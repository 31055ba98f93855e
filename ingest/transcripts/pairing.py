"""Group files into calls: a presentation file and its Q&A file are ONE call.

Pairs are matched on the file name with its part suffix removed (AMZN_3Q25_presentation /
AMZN_3Q25_qna), else on ticker + fiscal quarter from the file names, within one folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.transcripts import metadata

_PART_RE = re.compile(
    r"^(?P<base>.+?)[_\-\s]+(?P<part>presentation|prepared(?:[_\-\s]remarks)?|remarks|"
    r"qna|q&a|qa|questions?(?:[_\-\s]and[_\-\s]answers?)?)$",
    re.IGNORECASE,
)


@dataclass
class ReadFile:
    path: Path
    text: str
    format: str  # as detected: streetevents | sp | sp_qna | merged_columns


def _part(path: Path) -> tuple[str | None, str | None]:
    match = _PART_RE.match(path.stem)
    if not match:
        return None, None
    kind = "qa" if match.group("part").lower().startswith("q") else "presentation"
    return match.group("base").lower(), kind


def _fallback_key(path: Path) -> tuple[str, str | None, str | None]:
    quarter = metadata.quarter_from_filename(path)
    return (str(path.parent), metadata.ticker_from_path(path), str(quarter) if quarter else None)


def group_calls(files: list[ReadFile]) -> list[list[ReadFile]]:
    """Each group is one call: one file, or [presentation, Q&A]."""
    presentations: dict[object, ReadFile] = {}
    qnas: list[ReadFile] = []
    groups: list[list[ReadFile]] = []
    for f in files:
        base, kind = _part(f.path)
        if f.format == "sp_qna" or (kind == "qa" and f.format == "sp"):
            qnas.append(f)
        elif f.format == "sp" and kind == "presentation":
            presentations[(str(f.path.parent), base)] = f
            fallback = _fallback_key(f.path)
            if fallback[1] and fallback[2]:
                presentations.setdefault(fallback, f)
        else:
            groups.append([f])
    used: set[Path] = set()
    for q in qnas:
        base, _ = _part(q.path)
        partner = presentations.get((str(q.path.parent), base))
        if partner is None:
            partner = presentations.get(_fallback_key(q.path))
        if partner is not None and partner.path not in used:
            used.add(partner.path)
            groups.append([partner, q])
        else:
            groups.append([q])
    for p in {id(v): v for v in presentations.values()}.values():
        if p.path not in used:
            groups.append([p])
    return sorted(groups, key=lambda g: str(g[0].path))
