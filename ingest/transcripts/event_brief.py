"""The prepared remarks of a StreetEvents Event Brief: the vendor's bullet summary, as turns.

An Event Brief replaces the prepared remarks by numbered, nested bullets, one section per
speaker ("II. 1Q18 Review (T.C.)"). They are the only record of what management said before
the Q&A (all of Apple's 2016-2020 calls in ../shared), so they are kept, marked as section
`summary` so nobody mistakes them for speech. A child bullet alone ("Up 18% YoverY.") says
nothing, so each bullet becomes one line with its parents in front of it. The shorthand and
the joining rules are data (data/transcript_summaries.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml
from ingest.transcripts.model import Participant, Turn
from ingest.transcripts.roles import norm_name

SUMMARY_FILE = REPO_DATA_DIR / "transcript_summaries.yaml"
SECTION = "summary"
_RULE_DASH = re.compile(r"^-{20,}\s*$")
_SECTION_HEAD = re.compile(r"^(?:[IVXLC]+)\.\s+(?P<title>.*?)\s*(?:\((?P<initials>[^()]*)\))?\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)\d+\.\s+(?P<text>\S.*?)\s*$")


@dataclass(frozen=True)
class SummaryRules:
    block_heading: str
    join: str
    heading_ends: tuple[str, ...]
    replacements: tuple[tuple[re.Pattern[str], str], ...]

    def plain(self, text: str) -> str:
        """The vendor's shorthand rewritten as plain words."""
        for pattern, replace in self.replacements:
            text = pattern.sub(replace, text)
        return " ".join(text.split())


def _parse(file: Path, raw: bytes) -> SummaryRules:
    data = load_yaml(raw, file)
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a mapping with block_heading, join and "
                          "replacements; restore it from git.")
    where = f"{file}:{data.get(LINE, 1)}"
    for key in ("block_heading", "join"):
        if not isinstance(data.get(key), str):
            raise ConfigError(f"{where}: `{key}` must be a string.")
    ends = data.get("heading_ends") or []
    if not isinstance(ends, list) or not all(isinstance(e, str) and e for e in ends):
        raise ConfigError(f"{where}: `heading_ends` must be a list of non-empty strings.")
    replacements: list[tuple[re.Pattern[str], str]] = []
    for item in data.get("replacements") or []:
        line = item.get(LINE, "?") if isinstance(item, dict) else "?"
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str) \
                or not isinstance(item.get("replace"), str):
            raise ConfigError(f"{file}:{line}: a replacement needs `pattern` and `replace` "
                              "strings.")
        try:
            replacements.append((re.compile(item["pattern"]), item["replace"]))
        except re.error as exc:
            raise ConfigError(f"{file}:{line}: pattern {item['pattern']!r} is not a valid "
                              f"regular expression ({exc}); fix or remove it.") from exc
    return SummaryRules(data["block_heading"].strip().lower(), data["join"], tuple(ends),
                        tuple(replacements))


def load_summary_rules(file: Path = SUMMARY_FILE) -> SummaryRules:
    return load_versioned(file, _parse, what="the Event Brief rules",
                          restore="restore data/transcript_summaries.yaml from git")


def _initials(name: str) -> str:
    """'Timothy D. Cook' -> 'tc' (first and last name), as the vendor writes '(T.C.)'."""
    words = norm_name(name).replace("-", " ").split()
    return (words[0][0] + words[-1][0]) if len(words) > 1 else ""


def speaker_by_initials(initials: str | None, participants: list[Participant]) -> str | None:
    """The one company participant whose initials these are; None when none or several."""
    wanted = re.sub(r"[^a-z]", "", (initials or "").lower())
    if len(wanted) < 2:
        return None
    wanted = wanted[0] + wanted[-1]
    found = {p.name for p in participants if p.role != "analyst" and _initials(p.name) == wanted}
    return found.pop() if len(found) == 1 else None


def _lines(stack: list[tuple[int, str]], rules: SummaryRules) -> str:
    """A bullet with its parents in front: 'Services: Revenue $8.5 billion - Up 18% ...'."""
    out = ""
    for _, text in stack:
        if not out:
            out = text
        elif out.endswith(rules.heading_ends):
            out = f"{out} {text}"
        else:
            out = f"{out.rstrip('.;')}{rules.join}{text}"
    return out


def summary_turns(block: list[str], participants: list[Participant],
                  rules: SummaryRules | None = None) -> list[Turn]:
    """One `summary` turn per speaker section, one line per bullet that has no children."""
    rules = rules or load_summary_rules()
    turns: list[Turn] = []
    current: Turn | None = None
    stack: list[tuple[int, str]] = []
    lines: list[str] = []

    def flush_leaf() -> None:
        if stack:
            lines.append(_lines(stack, rules))

    def close() -> None:
        if current is not None and lines:
            current.text = "\n".join(lines)
            turns.append(current)

    for raw in block:
        if _RULE_DASH.match(raw) or not raw.strip():
            continue
        head = _SECTION_HEAD.match(raw)
        if head and not raw.startswith(" "):
            flush_leaf()
            close()
            speaker = speaker_by_initials(head.group("initials"), participants)
            current = Turn(label=speaker or "Unidentified Company Representative",
                           section=SECTION, text="")
            stack, lines = [], []
            continue
        bullet = _BULLET.match(raw)
        if current is None or not bullet:
            continue
        depth = len(bullet.group("indent"))
        if stack and depth > stack[-1][0]:
            stack.append((depth, rules.plain(bullet.group("text"))))
            continue
        flush_leaf()
        while stack and stack[-1][0] >= depth:
            stack.pop()
        stack.append((depth, rules.plain(bullet.group("text"))))
    flush_leaf()
    close()
    return turns
