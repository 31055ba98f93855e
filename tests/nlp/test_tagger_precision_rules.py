"""Precision rules from dev-split false alarms (data/labels/topic_sentences.jsonl): the
safe-harbor boilerplate is not cloud growth, "data center" next to "cost" is operating cost
rather than capex, the capitalised "the Data Center" is a supplier's segment, and a chip or
memory supplier's share gains are not a cloud provider's market share.

Each case pairs with a control that the same rule must keep. Sentences come from ../shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tagger import _topics, sentence_from

pytestmark = pytest.mark.slow

CASES = [
    # safe harbor: "the rate of growth of the internet, online commerce and cloud services"
    ("transcripts/AMZN/2020-Apr-30-AMZN.txt", "Our results are inherently unpredictable",
     set(), {"cloud_growth", "aws_growth"}),
    ("transcripts/AMZN/2017-Feb-02-AMZN.txt", "Including fluctuations in foreign exchange rates",
     set(), {"cloud_growth"}),
    ("transcripts/AMD/AMD_4Q25.txt", "Hyperscalers are expanding their infrastructure to meet",
     {"cloud_growth"}, set()),
    # the capitalised "the Data Center" is a chip maker's segment, not buildings
    ("transcripts/INTC/2016-Apr-19-INTC.txt", "We are building on our strong position in Client",
     set(), {"capex"}),
    # data center cost is operating cost; building data centers is capex
    ("transcripts/NVDA/2016-Nov-10-NVDA.txt", "And, secondarily, for IT managers",
     set(), {"capex"}),
    ("transcripts/GOOGL/2020-Apr-28-GOOGL.txt", "I earlier talked about, you can imagine",
     set(), {"capex"}),
    ("transcripts/AMZN/AMZN_2Q25.txt", "We will continue to invest more capital in chips",
     {"capex"}, set()),
    # a memory or chip supplier's share gains are its own, not a cloud's
    ("transcripts/MU/2017-Dec-19-MU.txt", "In terms of SSD share gain during the quarter",
     set(), {"cloud_leadership"}),
    ("transcripts/AMD/AMD_3Q25_presentation.txt", "The performance and TCO advantages of our EPYC",
     set(), {"cloud_leadership"}),
    ("transcripts/AMZN/AMZN_4Q25.txt", "More of the top 500 U.S. start-ups use AWS",
     {"cloud_leadership"}, set()),
]


@pytest.mark.parametrize(("file", "start", "expected", "forbidden"), CASES)
def test_precision_rules_on_real_sentences(tagger, shared_dir: Path, file: str, start: str,
                                           expected: set[str], forbidden: set[str]) -> None:
    text = sentence_from(shared_dir / file, start)
    found = set(_topics(tagger, text))
    assert expected <= found, (text, found)
    assert not forbidden & found, (text, found)


@pytest.mark.parametrize(("file", "start"), [
    ("transcripts/MSFT/2016-Jan-28-MSFT.txt", "We nearly doubled our cloud customers"),
    ("transcripts/GOOGL/2018-Apr-23-GOOGL.txt", "We are growing across the board and are also"),
])
def test_cloud_growth_told_as_customers_and_deals(tagger, shared_dir: Path, file: str,
                                                  start: str) -> None:
    """No growth term names these; the customer/usage/contract prototypes find them."""
    from nlp.embedder import encode_texts

    text = sentence_from(shared_dir / file, start)
    tagging = tagger.tag([text], encode=encode_texts)[0]
    assert [m.method for m in tagging.mentions if m.topic == "cloud_growth"] == ["semantic"]


@pytest.mark.parametrize(("file", "start"), [
    ("transcripts/MSFT/2017-Jan-26-MSFT.txt", "Customers choose the Microsoft Cloud"),
    ("transcripts/NVDA/2016-Nov-10-NVDA.txt", "We have, of course, one of the largest industries"),
])
def test_cloud_leadership_prototypes_need_a_near_paraphrase(tagger, shared_dir: Path, file: str,
                                                            start: str) -> None:
    """Cosine ~0.76 to a leadership prototype, but no comparison: not cloud_leadership."""
    from nlp.embedder import encode_texts

    text = sentence_from(shared_dir / file, start)
    assert "cloud_leadership" not in tagger.tag([text], encode=encode_texts)[0].topics
