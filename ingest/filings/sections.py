"""Split a 10-Q, 10-K or 8-K into its Items, prose and tables apart.

Headings are short prose blocks starting "PART I" or "Item 2." (ingest.html_text turns the
one-row layout tables that filers use for headings into prose). The table of contents repeats
every heading, so headings are cut into runs wherever an item repeats and the run spanning
the most text is the body. 10-Q items are keyed by part ("Part II Item 1A") because both
parts restart at Item 1; 10-K item numbers are unique ("Item 7").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.filings.html_text import Block

_PART_RE = re.compile(r"^PART\s+(IV|III|II|I)\b[\s.:—–-]*(.*)$", re.IGNORECASE)
_ITEM_RE = re.compile(
    r"^ITEMS?\s+(\d{1,2}[A-Ca-c]?|\d\.\d{2})(?![\d.]\d)\s*[.:—–-]?\s*(.*)$", re.IGNORECASE
)
_MAX_HEADING_CHARS = 220
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
#: 10-Q Part II item numbers that never occur in Part I.
_PART_II_ONLY = {"1A", "5", "6"}


@dataclass(frozen=True)
class Section:
    """A run of prose or one table under an item; `ord` is its position in the document."""

    item_code: str | None
    title: str | None
    ord: int
    kind: str  # narrative | table
    text: str


@dataclass(frozen=True)
class _Heading:
    index: int
    code: str
    title: str


def _item_key(number: str) -> tuple[int, str]:
    match = re.match(r"(\d+)(?:\.(\d+))?([A-Ca-c]?)", number)
    if not match:
        return (0, number)
    return (int(match.group(1)) * 100 + int(match.group(2) or 0), match.group(3).upper())


def _headings(blocks: list[Block], form: str) -> list[_Heading]:
    quarterly = form.upper().startswith("10-Q")
    found: list[_Heading] = []
    part = 0
    last_item: tuple[int, str] | None = None
    for index, block in enumerate(blocks):
        if block.kind != "text" or len(block.text) > _MAX_HEADING_CHARS:
            continue
        part_match = _PART_RE.match(block.text)
        if part_match:
            part = _ROMAN[part_match.group(1).upper()]
            last_item = None
            continue
        item_match = _ITEM_RE.match(block.text)
        if not item_match:
            continue
        number = item_match.group(1).upper()
        title = item_match.group(2).strip().rstrip(".")
        if title.lower().startswith(("of ", "and ", "in ", "to ")):
            continue  # a cross-reference sentence, not a heading
        key = _item_key(number)
        if quarterly:
            if number in _PART_II_ONLY and part < 2:
                part = 2
            elif part == 0:
                part = 1
            elif last_item is not None and key <= last_item:
                # Part II restarts at Item 1; a restart inside Part II is the body after the TOC.
                part = 2 if part == 1 else 1
            code = f"Part {'I' * part} Item {number}"
        else:
            code = f"Item {number}"
        last_item = key
        found.append(_Heading(index, code, title))
    return found


def _body_run(headings: list[_Heading], n_blocks: int) -> list[_Heading]:
    """The run of headings spanning the most blocks (the table of contents spans few)."""
    runs: list[list[_Heading]] = []
    for heading in headings:
        if not runs or heading.code in {h.code for h in runs[-1]}:
            runs.append([])
        runs[-1].append(heading)
    best: list[_Heading] = []
    best_span = -1
    for i, run in enumerate(runs):
        end = runs[i + 1][0].index if i + 1 < len(runs) else n_blocks
        span = end - run[0].index
        if span > best_span:
            best, best_span = run, span
    return best


def split_sections(blocks: list[Block], form: str, *,
                   preamble_code: str = "Cover") -> list[Section]:
    """Sections of a filing document: prose runs and tables, each under its item code."""
    headings = _body_run(_headings(blocks, form), len(blocks))
    starts = {h.index: h for h in headings}
    part_lines = {i for i, b in enumerate(blocks) if b.kind == "text"
                  and len(b.text) <= _MAX_HEADING_CHARS and _PART_RE.match(b.text)}
    sections: list[Section] = []
    code, title = (preamble_code, None)
    prose: list[str] = []
    heading_text = ""
    sections_before = 0

    def flush() -> None:
        if prose:
            sections.append(Section(code, title, len(sections), "narrative", "\n\n".join(prose)))
            prose.clear()

    for index, block in enumerate(blocks):
        heading = starts.get(index)
        if heading is not None:
            flush()
            if sections_before == len(sections) and code != preamble_code:
                # An item with no body ("Item 6. Reserved") still gets its heading as a section.
                sections.append(Section(code, title, len(sections), "narrative", heading_text))
            code, title, heading_text = heading.code, heading.title or None, block.text
            sections_before = len(sections)
            continue
        if index in part_lines:
            continue  # "PART II. OTHER INFORMATION" is structure, carried by the item codes
        if block.kind == "table":
            flush()
            sections.append(Section(code, title, len(sections), "table", block.text))
        else:
            prose.append(block.text)
    flush()
    if sections_before == len(sections) and code != preamble_code:
        sections.append(Section(code, title, len(sections), "narrative", heading_text))
    return sections
