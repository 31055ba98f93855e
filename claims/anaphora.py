"""A sentence that continues the one before it, read through its predecessor's subject.

Why: management states a figure, then its change in the next sentence: "At the end of Q1,
remaining performance obligations, or RPO, now to $455 billion. This is up 359% from last
year." The second sentence carries the direction but names no subject, so on its own it takes
no side. When it opens with an anaphor (data/stance.yaml `anaphors`) and the previous sentence
of the same turn or section names one of the claim's subjects, the anaphor is read as that
subject, at `weights.anaphora` (the link is inferred, not stated).
"""

from __future__ import annotations

import dataclasses

from claims.ledger import Claim
from claims.stance import NEUTRAL, StanceModel, StanceResult
from claims.stance_match import phrase_spans, tokenize
from claims.stance_rules import StanceRules, load_stance_rules
from claims.stance_subjects import claim_subjects


def antecedent_reading(text: str, before: str | None, claim: Claim,
                       rules: StanceRules | None = None) -> str | None:
    """`text` with its opening anaphor replaced by the claim subject `before` names, or None
    when the sentence does not open with an anaphor or its predecessor names no subject."""
    if not before:
        return None
    rules = rules or load_stance_rules()
    first = text.lstrip().split(maxsplit=1)
    if len(first) < 2 or first[0].lower().strip(",") not in rules.anaphors:
        return None
    words = tokenize(before).words
    for phrase, _ in claim_subjects(claim, rules):
        if phrase_spans(words, phrase):
            return f"{phrase} {first[1]}"
    return None


def judge_in_context(text: str, before: str | None, claim: Claim, model: StanceModel,
                     result: StanceResult) -> StanceResult:
    """`result` (the sentence judged alone) unless it is neutral and the sentence, read through
    its predecessor's subject, takes a side: then that reading at the anaphora weight."""
    if result.stance != NEUTRAL:
        return result
    rules = load_stance_rules()
    reading = antecedent_reading(text, before, claim, rules)
    if reading is None:
        return result
    resolved = model.judge(reading, claim)
    if resolved.stance == NEUTRAL:
        return result
    cues = [{**cue, "antecedent": True} for cue in resolved.cues]
    return dataclasses.replace(resolved, cues=cues,
                               weight=round(resolved.weight * rules.weights["anaphora"], 3))
