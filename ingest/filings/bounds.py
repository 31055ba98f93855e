"""Keep an oversized document bounded: its text cut to a limit, no section past a size.

data/limits.yaml sets the bounds (claimtracker.limits). sgml.parse_submission already cut the
bytes of a huge body; these cut what it parses to. A cut is never silent: `notes` become the
filing's error and the ingest summary lists it.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from ingest.filings.html_text import Block
from ingest.filings.sections import Section


def cap_blocks(blocks: list[Block], max_chars: int) -> tuple[list[Block], int]:
    """The first blocks whose text (joined by blank lines, as documents store it) is at most
    `max_chars` characters, the last one cut; and the characters the whole text had (0 when
    nothing was cut)."""
    total = sum(len(b.text) + 2 for b in blocks) - 2
    if total <= max_chars:
        return blocks, 0
    kept: list[Block] = []
    room = max_chars
    for block in blocks:
        if len(block.text) > room:
            if room > 0:
                kept.append(Block(block.kind, block.text[:room]))
            break
        kept.append(block)
        room -= len(block.text) + 2
    return kept, total


def _pieces(text: str, max_chars: int) -> list[str]:
    """`text` in consecutive pieces of at most `max_chars`, cut at the last paragraph break,
    else line break, else space of each window's second half (a hard cut when it has none)."""
    pieces = []
    while len(text) > max_chars:
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = text.rfind(separator, max_chars // 2, max_chars)
            if cut > 0:
                break
        cut = cut if cut > 0 else max_chars
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def bound_sections(sections: list[Section], max_chars: int) -> list[Section]:
    """The sections, each longer than `max_chars` split into consecutive parts under the same
    item; `ord` renumbered. Returns the list unchanged when none is too long."""
    if all(len(s.text) <= max_chars for s in sections):
        return sections
    out: list[Section] = []
    for section in sections:
        for piece in _pieces(section.text, max_chars):
            out.append(replace(section, ord=len(out), text=piece))
    return out


def oversize_note(what: str, *, size: int | None = None, max_bytes: int | None = None,
                  chars: int | None = None, max_chars: int | None = None, where: str) -> str:
    """One sentence for the filing's error: what was cut, from what size to what bound."""
    parts = []
    if size is not None and max_bytes is not None:
        parts.append(f"{size:,} bytes, parsed from its first {max_bytes:,}")
    if chars is not None and max_chars is not None:
        parts.append(f"{chars:,} characters of text, {max_chars:,} kept")
    return (f"{what} is oversized ({'; '.join(parts)}; bounds in {where}): stored cut to the "
            "bound; raise the bound there to keep it whole")


@contextmanager
def mapped(path: Path) -> Iterator[bytes | mmap.mmap]:
    """The file as an mmap (pages are read as the parser reaches them and only what it slices
    out is copied: a 200 MB submission is never held whole), or b"" when it is empty."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            yield view
