"""Quotes from markdown articles show as the text a reader saw (the ledger stays verbatim)."""

from __future__ import annotations

import re
from pathlib import Path

from claims.render import plain_quote

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "articles" / "amazon-next-cycle.ko.txt"


def test_seed_article_lines_lose_their_markdown_and_keep_every_word() -> None:
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if "**" in line]
    assert len(lines) >= 10
    for line in lines:
        plain = plain_quote(line)
        assert "**" not in plain
        # Only markup is removed: the words (Korean and Latin) and their order are kept.
        assert re.findall(r"[\w’”.,()]+", plain) == re.findall(r"[\w’”.,()]+",
                                                               line.replace("**", ""))
    assert plain_quote("바로 **아마존(Amazon, AMZN)**입니다.") == "바로 아마존(Amazon, AMZN)입니다."


def test_arithmetic_and_prices_are_not_emphasis() -> None:
    assert plain_quote("capex of 3*4*5 = $60B") == "capex of 3*4*5 = $60B"
    assert plain_quote("see [the release](https://example.com) and *this*") == \
        "see the release and this"
