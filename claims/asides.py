"""Asides: the parts of a sentence that set the scene rather than make the claim.

A writer explains in passing ("Greater China, which shrank for two years, is back to growth";
"the segment, home of the chips inside the Xbox consoles, is shrinking"). What an aside says
is background: its change words are not the claim's direction (claims/direction.py), and a
company named only there is not the sentence's subject (claims/extract.py). Asides are read
from the spaCy parse: comma-set relative clauses ("relcl" after a comma; "the only one that
is cutting capex" is the claim itself) and, for companies, appositives ("appos") and
subordinate clauses with a conjunction ("advcl" with a "mark": as, because, while). A company
named as an example ("such as Google", "구글이나 아마존 같은") is context too
(data/extraction.yaml cues.example_before / example_after).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from claims.extraction_rules import ExtractionRules, find_cues, load_extraction_rules
from claims.grammar import load_grammar

# between an English example cue and the name: other names, commas, "and", "or"
_NAMES_BETWEEN = re.compile(r"^(?:[\s,/&]|and\b|or\b|[A-Z][\w.\-&']*)*$")


class _Named(Protocol):
    start: int
    end: int


M = TypeVar("M", bound=_Named)
# Examples of the sentence's own subject are its subject: "Hyperscalers such as Microsoft and
# Meta keep raising capex" (the cue within data/extraction.yaml `example_subject_words`),
# "구글 같은 고객들이 ..." (no subject-marked word before the names). Only examples after the
# subject are context.
# Korean particles and clause ends are data (data/grammar.yaml, claims/grammar.py).


def ko_subject_marked(text: str, end: int) -> bool:
    """The Korean name ending at `end` is the subject: a particle right after it ("인텔은"),
    or it owns the subject phrase ("알파벳의 매출 증가율은 인텔을 크게 앞섭니다")."""
    grammar = load_grammar()
    return bool(grammar.subject_mark.match(text, end) or grammar.possessor.match(text, end))


def korean_subject_first(text: str, mentions: Sequence[M],
                         rules: ExtractionRules | None = None) -> list[M]:
    """The mentions with the subject-marked one first. When the subject is the company
    itself, unnamed (`cues.self_subject`: "회사는 ... 아마존과 마이크로소프트를 따라잡기 위해"),
    and no name is marked, or only names marked as an earlier clause's subject are ("바이두와
    마이크로소프트 애저가 EPYC 도입을 발표했고 회사는 ..."), the names are objects: []
    (the paragraph's company decides). A partner ("인텔과 함께 개발한") goes last."""
    grammar = load_grammar()
    mentions = sorted(mentions, key=lambda m: bool(grammar.partner_mark.match(text, m.end)))
    marked = [m for m in mentions if ko_subject_marked(text, m.end)]
    # the topic (은/는/도) is the main clause's; 이/가 often marks a clause before it ("애플과
    # 퀄컴이 ... 화해한 바로 그날, 인텔은 ...": Intel's claim)
    topic = [m for m in marked if grammar.topic_mark.match(text, m.end)
             or not grammar.subject_mark.match(text, m.end)]
    rules = rules or load_extraction_rules()
    own = find_cues(text, rules.cues["self_subject"])
    self_topic = any(cue.endswith(grammar.topic_particles) for cue in own)
    if marked and not (self_topic and not topic):
        first = (topic or marked)[0]
        return [first, *[m for m in mentions if m is not first]]
    if mentions and own:
        return []
    return list(mentions)


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


def main_clause(text: str, nlp: Any, *, subordinate: bool = False) -> str:
    """`text` with its comma-set relative clauses blanked (same length, so offsets hold);
    with `subordinate`, also its appositives and clauses of cause or time ("..., because
    costs are growing faster than revenue")."""
    chars = list(text)
    for start, end in aside_spans(text, nlp, appositives=subordinate):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def examples(text: str, spans: Sequence[tuple[int, int]],
             rules: ExtractionRules | None = None) -> set[int]:
    """Indexes of the `spans` (company names in `text`) named as examples: an
    `example_before` cue ends the text before the name, or an `example_after` cue starts the
    text after it, with only other names and conjunctions between."""
    rules = rules or load_extraction_rules()
    before = [c for lang in ("en", "ko") for c in rules.cues["example_before"][lang]]
    after = [c for lang in ("en", "ko") for c in rules.cues["example_after"][lang]]
    grammar = load_grammar()
    found: set[int] = set()
    for i, (start, end) in enumerate(spans):
        head, tail = text[max(0, start - 40):start], text[end:end + 30]
        cues = [m for c in before for m in re.finditer(rf"(?<!\w){re.escape(c)}(?!\w)", head,
                                                        re.I)]
        offset = max(0, start - 40)
        example = any(_NAMES_BETWEEN.match(head[m.end():]) and len(
            text[:offset + m.start()].split()) > rules.example_subject_words for m in cues) or (any(
                c in tail and grammar.short_run.match(tail[:tail.find(c)]) for c in after)
                and grammar.marked_word.search(text[:start]) is not None)
        if example:
            found.add(i)
    return found


def outside_asides(text: str, mentions: Sequence[M], asides: Sequence[tuple[int, int]],
                   ) -> list[M]:
    """The `mentions` (with .start and .end in `text`) neither inside one of the `asides`
    (aside_spans) nor named as examples."""
    spans = [(m.start, m.end) for m in mentions]
    shown = examples(text, spans)
    return [m for i, (m, (start, end)) in enumerate(zip(mentions, spans, strict=True))
            if i not in shown and not any(a <= start and end <= b for a, b in asides)]
