"""A sentence that continues its predecessor ("This is up 359% ...") on real ../shared text.

The pronoun is read as the claim subject only when the previous sentence of the same source
names it, and only when the sentence alone takes no side.
"""

from __future__ import annotations

from shared_text import shared_sentence

from claims.anaphora import antecedent_reading, judge_in_context
from claims.ledger import Claim
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance
from claims.stance_rules import load_stance_rules

MODEL = RuleStance()
RPO_UP = Claim("rpo", "Oracle's remaining performance obligations have exploded.",
               terms=("remaining performance obligations",), direction="up")
RPO_DOWN = Claim("rpo-down", "Oracle's remaining performance obligations are shrinking.",
                 terms=("remaining performance obligations",), direction="down")
BEFORE = shared_sentence("ORCL/ORCL_1Q26.txt", "At the end of Q1, remaining performance "
                         "obligations, or RPO, now to $455 billion.")
AFTER = shared_sentence("ORCL/ORCL_1Q26.txt", "This is up 359% from last year and up $317 "
                        "billion from the end of Q4.")


def test_anaphor_takes_the_subject_its_predecessor_names() -> None:
    alone = MODEL.judge(AFTER, RPO_UP)
    assert alone.stance == NEUTRAL
    reading = antecedent_reading(AFTER, BEFORE, RPO_UP)
    assert reading is not None and reading.startswith("remaining performance obligations is up")
    result = judge_in_context(AFTER, BEFORE, RPO_UP, MODEL, alone)
    assert result.stance == SUPPORTS
    weight = load_stance_rules().weights["anaphora"]
    assert 0 < result.weight <= weight
    assert all(cue.get("antecedent") for cue in result.cues)
    against = judge_in_context(AFTER, BEFORE, RPO_DOWN, MODEL, MODEL.judge(AFTER, RPO_DOWN))
    assert against.stance == CONTRADICTS


def test_no_link_without_the_subject_or_the_anaphor() -> None:
    other = shared_sentence("ORCL/ORCL_1Q26.txt", "Now to the results using constant "
                            "currency growth rate.")
    assert antecedent_reading(AFTER, other, RPO_UP) is None  # predecessor names no subject
    assert antecedent_reading(AFTER, None, RPO_UP) is None
    cloud = shared_sentence("ORCL/ORCL_1Q26.txt", "Our cloud RPO grew nearly 500% on top of "
                            "83% growth last year.")
    assert antecedent_reading(cloud, BEFORE, RPO_UP) is None  # no anaphor: judged alone
    judged = MODEL.judge(cloud, RPO_UP)
    assert judge_in_context(cloud, BEFORE, RPO_UP, MODEL, judged) is judged
