"""Rule-based sentence splitting for articles in Korean or English (no model needed).

Korean blog posts are often wrapped every few words, so single line breaks are joined and
only blank lines end a block; a block is then cut after sentence enders (. ? ! 。 and the
Korean endings 다. / 요.). A block without any ender is a heading and is kept as one unit.
Numbered headings ("1. ...") and abbreviations ("U.S.", "Inc.") are not sentence ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = ("U.S.", "U.K.", "Inc.", "Corp.", "Co.", "Ltd.", "Mr.", "Ms.", "Dr.", "vs.",
                  "e.g.", "i.e.", "etc.", "No.", "approx.", "Jan.", "Feb.", "Aug.", "Sept.",
                  "Oct.", "Nov.", "Dec.")
# An ender, optional closing quotes/brackets/markup, then whitespace.
_ENDER = re.compile(r"([.?!。](?:[’”\"')\]*]+)?)\s+")
_HEADING_NUMBER = re.compile(r"(?:^|\s)\d{1,2}\.$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def is_korean(text: str) -> bool:
    """Korean text: more than a fifth of its word characters are Hangul (names and figures
    in Latin script are common in Korean articles)."""
    return len(_HANGUL.findall(text)) > 0.2 * max(1, len(re.findall(r"\w", text)))


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int  # 1-based line of the article where the sentence starts
    heading: bool = False
    block: int = 0  # paragraph number (blocks are separated by blank lines)


_ENDS_SENTENCE = re.compile(r"[.?!。][’”\"')\]*]*$")


def _blocks(text: str) -> list[tuple[str, list[tuple[int, int]], bool]]:
    """Blocks separated by blank lines: joined text, (offset, article line) per line, heading.

    Lines after the last sentence ender of a block are a heading ("1. ...", "결론 ...").
    """
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            groups[-1].append((number, line.strip()))
        elif groups[-1]:
            groups.append([])
    blocks: list[tuple[str, list[tuple[int, int]], bool]] = []
    for group in filter(None, groups):
        ended = [i for i, (_, line) in enumerate(group) if _ENDS_SENTENCE.search(line)]
        cut = ended[-1] + 1 if ended else 0
        for part, heading in ((group[:cut], False), (group[cut:], True)):
            if not part:
                continue
            offsets, position = [], 0
            for number, line in part:
                offsets.append((position, number))
                position += len(line) + 1
            blocks.append((" ".join(line for _, line in part), offsets, heading))
    return blocks


def _splits(block: str) -> list[int]:
    cuts = []
    for match in _ENDER.finditer(block):
        head = block[:match.end(1)]
        if _HEADING_NUMBER.search(head) or head.endswith(_ABBREVIATIONS):
            continue
        cuts.append(match.end())
    return cuts


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of an article with the line each starts on; blocks with no ender are headings."""
    sentences: list[Sentence] = []
    for number, (block, offsets, heading) in enumerate(_blocks(text)):
        starts = [0, *_splits(block)]
        ends = [*starts[1:], len(block)]
        for start, end in zip(starts, ends, strict=True):
            piece = block[start:end].strip()
            if piece:
                line = max(n for off, n in offsets if off <= start)
                sentences.append(Sentence(piece, line, heading, number))
    return sentences
