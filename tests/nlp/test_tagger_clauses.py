"""Subject + predicate rules on real sentences: a topic's subject (AWS, a cloud, consumer
units, the fulfilment network) counts when the same clause says what happens to it.

Sentences are read from ../shared at test time (see test_tagger.sentence_from).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tagger import _topics, sentence_from

pytestmark = pytest.mark.slow

CASES = [
    # migration into a named provider is cloud growth (AWS: aws_growth, which implies it)
    ("transcripts/AMZN/2018-Apr-26-AMZN.txt", "We are seeing people move more and more",
     {"aws_growth", "cloud_growth"}, set()),
    ("transcripts/GOOGL/2017-Oct-26-GOOGL.txt", "Companies like Kohl's, PayPal",
     {"cloud_growth"}, set()),
    # the business's results as predicate: "AWS had a strong quarter"
    ("transcripts/AMZN/2018-Feb-01-AMZN.txt", "AWS had a strong quarter",
     {"aws_growth", "cloud_growth"}, set()),
    # consumer volumes with a change ("fulfilled units ... grew nearly 40%")
    ("transcripts/AMZN/2017-Feb-02-AMZN.txt", "Our Amazon fulfilled units, the amount going",
     {"retail_sales"}, set()),
    # network productivity is cost to serve
    ("transcripts/AMZN/AMZN_2Q25.txt", "In the quarter, we saw strong productivity",
     {"cost_to_serve"}, set()),
    # "other providers" of a search partner are not cloud providers
    ("transcripts/GOOGL/2020-Apr-28-GOOGL.txt", "And that's where our deeper partnership",
     set(), {"cloud_leadership"}),
]


@pytest.mark.parametrize(("file", "start", "expected", "forbidden"), CASES)
def test_subject_with_predicate(tagger, shared_dir: Path, file: str, start: str,
                                expected: set[str], forbidden: set[str]) -> None:
    text = sentence_from(shared_dir / file, start)
    found = set(_topics(tagger, text))
    assert expected <= found, (text, found)
    assert not forbidden & found, (text, found)


def test_subject_without_predicate_is_not_tagged(tagger) -> None:
    """The subject alone does not make the topic: a definition of units sold, a margin
    "mix shift to Azure", a generic "operational efficiency"."""
    for text, topic in [
        ("Units sold are paid units and do not include units associated with AWS.",
         "retail_sales"),
        ("Gross margin percentage decreased, driven by sales mix shift to Azure.",
         "cloud_growth"),
        ("The third one is operational efficiency.", "cost_to_serve"),
    ]:
        assert topic not in _topics(tagger, text), text
