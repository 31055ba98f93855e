"""A claim's key terms keep product and process names the small spaCy model splits or tags as
dates ("10nm Ice Lake", "7nm", "3D XPoint"): retrieval searches for them, so losing them loses
the evidence. Sentences written the way investment blogs phrase such claims."""

from __future__ import annotations

from typing import Any

import pytest

from claims.extraction_rules import load_extraction_rules
from claims.terms import claim_terms


@pytest.mark.parametrize("sentence, wanted, unwanted", [
    ("Intel began shipping its first 10nm Ice Lake laptop chips in the second quarter.",
     ["10nm Ice Lake"], []),
    ("Its first 7nm product, a data center GPU, is on track for 2021.",
     ["7nm", "7nm product", "data center GPU"], ["nm product"]),
    ("Micron's first 3D XPoint product is due to launch before the end of 2019.",
     ["3D XPoint"], []),
    ("Google Cloud revenue grew 34% in Q3, and TPU demand is sold out.",
     ["Google Cloud", "TPU"], ["Cloud", "Q3"]),
    ("NVIDIA's H20 sales to China were about $50 million in Q2 FY26.",
     ["H20", "China"], ["Q2", "FY26", "Q2 FY26"]),
    # a capitalised function word opening the sentence is not part of a name
    ("The PC processor shortage that frustrated Intel's customers for more than a year is "
     "now over, according to management.", ["PC processor shortage"], ["The PC"]),
    ("On AI, Microsoft keeps adding capacity faster than Azure demand can absorb it.",
     [], ["On AI"]),
])
def test_names_survive_as_terms(nlp: Any, sentence: str, wanted: list[str],
                                unwanted: list[str]) -> None:
    terms = claim_terms(sentence, language="en", mentions=[], rules=load_extraction_rules(),
                        nlp=nlp)
    for term in wanted:
        assert term in terms, (term, terms)
    for term in unwanted:
        assert term not in terms, (term, terms)
