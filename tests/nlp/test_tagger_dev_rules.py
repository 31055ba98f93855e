"""Context rules added from dev-split misses (data/labels/topic_sentences.jsonl): supply as
demand's other side, restructuring as workforce talk, the economy without an adjective, and
"the world's largest cloud providers" as a supplier's customers rather than a rank.

Sentences are read from ../shared at test time (see test_tagger.sentence_from).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tagger import _topics, sentence_from

pytestmark = pytest.mark.slow

CASES = [
    # whether there is enough supply is demand talk; a "resilient supply chain" is not
    ("transcripts/TSLA/TSLA_4Q25_qna.txt", "Beyond that, we will be supplier limited",
     {"demand"}, set()),
    ("transcripts/INTC/2020-Jan-23-INTC.txt", "So our expectations are we'll have sufficient",
     {"demand"}, set()),
    ("transcripts/NVDA/NVDA_3Q26_qna.txt", "The reason why our entire customer base can rely on us",
     set(), {"demand"}),
    # a company's restructuring is about its workforce, with or without "program" or "charges"
    ("transcripts/INTC/2017-Jan-26-INTC.txt", "So we are executing on our restructuring programs",
     {"headcount"}, set()),
    ("transcripts/INTC/2016-Apr-19-INTC.txt", "In order to do that we're going to go through",
     {"headcount"}, set()),
    ("transcripts/ORCL/ORCL_1Q26.txt", "But the number of people we need is substantially less",
     {"headcount"}, set()),
    # "an impact on the economy" is macro; "the digital economy" is a market, not the economy
    ("transcripts/GOOGL/2020-Apr-28-GOOGL.txt", "And while, obviously, there's an impact on the",
     {"retail_sales"}, set()),
    ("transcripts/GOOGL/2018-Jul-23-GOOGL.txt", "Of course, our commitment to help communities",
     set(), {"retail_sales"}),
    ("transcripts/AMZN/2018-Jul-26-AMZN.txt", "So there's some things like that, that maybe",
     {"retail_sales"}, set()),
    # a supplier building for "the world's largest cloud providers" ranks its customers
    ("transcripts/AMD/AMD_3Q25_presentation.txt", "The ZT Systems team we acquired last year",
     set(), {"cloud_leadership"}),
]


@pytest.mark.parametrize(("file", "start", "expected", "forbidden"), CASES)
def test_dev_rules_on_real_sentences(tagger, shared_dir: Path, file: str, start: str,
                                     expected: set[str], forbidden: set[str]) -> None:
    text = sentence_from(shared_dir / file, start)
    found = set(_topics(tagger, text))
    assert expected <= found, (text, found)
    assert not forbidden & found, (text, found)


def test_a_suppliers_share_of_its_customers_is_not_cloud_leadership(tagger,
                                                                   shared_dir: Path) -> None:
    """Share taken "in the comm service provider segment" or "with key hyperscale customers"
    is a chip maker's share of what its customers buy, not a cloud provider's rank."""
    for file, start in (
        ("transcripts/INTC/2018-Apr-26-INTC.txt", "And in the comm service provider segment"),
        ("transcripts/MU/2016-Mar-30-MU.txt", "Specifically within the cloud segment, we had"),
    ):
        text = sentence_from(shared_dir / file, start)
        assert "cloud_leadership" not in _topics(tagger, text), text
