"""Asides: the parts of a sentence that set the scene rather than make the claim.

A writer explains in passing ("Greater China, which shrank for two years, is back to growth";
"the segment, home of the chips inside the Xbox consoles, is shrinking"). What an aside says
is background: its change words are not the claim's direction (claims/direction.py), and a
company named only there is not the sentence's subject (claims/extract.py). Asides are read
from the spaCy parse: comma-set relative clauses ("relcl" after a comma; "the only one that
is cutting capex" is the claim itself) and, for companies, appositives ("appos") and
subordinate clauses with a conjunction ("advcl" with a "mark": as, because, while).
"""

from __future__ import annotations

from typing import Any


def aside_spans(text: str, nlp: Any, *, appositives: bool = True) -> list[tuple[int, int]]:
    """Character spans of the sentence's asides (module doc); with `appositives`, also
    subordinate clauses that give a cause or a time ("sales keep falling as Sony and
    Microsoft wind down the current generation")."""
    doc = nlp(text)
    spans = []
    for token in doc:
        start = token.left_edge.i
        relative = token.dep_ == "relcl" and start > 0 and doc[start - 1].text == ","
        subordinate = token.dep_ == "advcl" and any(c.dep_ == "mark" for c in token.children)
        if relative or (appositives and (token.dep_ == "appos" or subordinate)):
            last = doc[token.right_edge.i]
            spans.append((doc[start].idx, last.idx + len(last.text)))
    return spans


def main_clause(text: str, nlp: Any) -> str:
    """`text` with its comma-set relative clauses blanked (same length, so offsets hold)."""
    chars = list(text)
    for start, end in aside_spans(text, nlp, appositives=False):
        chars[start:end] = " " * (end - start)
    return "".join(chars)
