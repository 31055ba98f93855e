"""Stance of one management sentence towards one claim: supports, contradicts or neutral.

The rules are deliberately transparent so a user can see why a sentence counted. A claim's
subjects are what rises or falls (its hand-written `cues` when the ledger gives them, else its
`terms` and metric aliases). Phrase rules ("upward pressure on {subject}", "sold out",
"demand exceeds supply") give a subject its direction directly; otherwise the direction word
attached to the subject decides (the nearest one, or the one the dependency parse links to it
when the window is ambiguous; never one the parse gives to another noun, as in "operating
income increased ... and operating margin was 32.4%"), flipped under negation and compared
with the direction that supports the claim. Numbers attached to a subject come first: a
prior-period comparison ("72.4%, compared with 75.0%") or a negative level ("a negative $362
million"); a change smaller than the size the claim asks for ("up 16%" for "more than 20%")
contradicts at reduced weight (claims.stance_numbers). A claim naming an event ("spin off",
"raise its dividend") is decided only by sentences naming the event, and an English claim
whose subject head is one of its terms ("Google Cloud's backlog") only by sentences naming
that head (claims.stance_subjects). Hedged ("may") and forward-looking ("we expect")
sentences weigh less as evidence for a claim about what has already happened. Every word
list, rule, window and weight lives in data/stance.yaml (claims.stance_rules).

Anything with `judge(sentence, claim) -> StanceResult` is a `StanceModel`, so an NLI model a
user has on disk can replace `RuleStance` without touching the scorer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claims.ledger import Claim
from claims.stance_aspect import basis_gate, horizon_of, place_gate, qualify
from claims.stance_events import EventRule
from claims.stance_figures import bounds_met_by_change, claim_figures, figures_met
from claims.stance_levels import quantity_stance
from claims.stance_match import (
    RuleHit,
    Subject,
    Tokens,
    match_rules,
    phrase_spans,
    phrase_words,
    scope_of,
    subject_spans,
    tokenize,
)
from claims.stance_numbers import read_numbers, size_short
from claims.stance_parse import attach, owned_elsewhere
from claims.stance_result import (
    CONTRADICTS,
    NEUTRAL,
    SUPPORTS,
    StanceModel,
    StanceResult,
)
from claims.stance_result import flip as _flip
from claims.stance_result import forward_looking as _forward
from claims.stance_rules import StanceRules, load_stance_rules
from claims.stance_shape import rate_claim, rate_direction, segment_gate, segment_subjects
from claims.stance_size import claim_requirement
from claims.stance_subjects import claim_subjects, event_of, only_weak, required_head

_NUMBER = re.compile(r"\d")
_CLAUSE = {";", ":"}
_CODE_DIGEST = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted(Path(__file__).parent.glob("stance*.py")))).hexdigest()


@dataclass(frozen=True)
class _Candidate:
    """A direction word (or a direction phrase rule) at a token position."""

    pos: int
    direction: str
    word: str
    window: int | None  # its own reach (phrase rules), else the claim's window
    negated: bool
    rule: str | None = None


class RuleStance:
    """Direction words and phrase rules attached to the claim's subjects (data/stance.yaml)."""

    def __init__(self, rules_path: str | Path | None = None) -> None:
        self._rules_path = rules_path

    @property
    def rules(self) -> StanceRules:
        return load_stance_rules(self._rules_path)  # cached per file version

    @property
    def name(self) -> str:
        """Changes whenever the rules (code or data file) change, so verdicts are recomputed."""
        digest = hashlib.sha256(f"{_CODE_DIGEST}:{self.rules.digest}".encode()).hexdigest()
        return "rules-" + digest[:12]

    def judge(self, sentence: str, claim: Claim) -> StanceResult:
        rules = self.rules
        tokens = tokenize(sentence)
        words = tokens.words
        if any(w in rules.generic for w in words):
            return StanceResult(NEUTRAL, 0.0, [{"generic": True}])
        hedged = any(w in rules.hedges for w in words)
        forward = _forward(sentence, words, rules)
        gated = place_gate(sentence, claim, rules.aspect) or basis_gate(
            sentence, claim, rules.aspect, rules.sequential_cues) or segment_gate(
            sentence, claim, rules.shape)
        if gated is not None:  # "Data center revenue grew" for a China revenue claim
            return dataclasses.replace(gated, hedged=hedged, forward_looking=forward)
        horizon = horizon_of(claim, rules.aspect)
        if rate_claim(claim, rules.shape):  # "capex growth will slow": the rate decides
            return self._rate(sentence, claim, rules, hedged, forward, horizon)
        existence = bool(getattr(claim, "mentions_support", False))
        subjects_all = segment_subjects(claim_subjects(claim, rules), claim, rules.shape)
        event = event_of(claim, rules)
        if event is not None:
            named = [p for p in event.evidence if phrase_spans(words, p)]
            others = [s for s in subjects_all if s[0] not in event.evidence]
            if not named or (event.object and others and not subject_spans(words, others)):
                return StanceResult(NEUTRAL, 0.0, [{"event": event.event_id, "named": False}],
                                    hedged, forward)
            if not event.direction:
                return dataclasses.replace(qualify(
                    self._event_named(words, named[0], event, claim, rules, hedged, forward),
                    sentence, claim, rules.aspect), on_subject=True)
            subjects_all = [(p, claim.direction) for p in event.evidence]
        heads = required_head(claim, rules) if event is None else ()
        if heads and not any(phrase_spans(words, h) for h in heads):
            return StanceResult(NEUTRAL, 0.0, [{"head": heads[0], "named": False}], hedged,
                                forward)
        subjects = subject_spans(words, subjects_all)
        if only_weak(claim, [s.phrase for s in subjects], subjects_all, rules):
            return StanceResult(NEUTRAL, 0.0, [{"weak": subjects[0].phrase}], hedged, forward)
        scope = scope_of(sentence, rules.scope_cues, rules.scope_nouns) if subjects else None
        if scope is not None and not subject_spans(tokenize(scope).words, subjects_all):
            # "Within our Reality Labs segment, Q1 revenue was ...": another entity's revenue
            return StanceResult(NEUTRAL, 0.0, [{"scope": scope}], hedged, forward)
        windows = rules.windows
        hits = match_rules(words, subjects, rules.phrase_rules, gap=windows["gap"],
                           slot_gap=windows["slot_gap"])
        found, decided = self._rule_votes(words, hits, subjects, subjects_all, rules)
        candidates = self._candidates(words, hits, rules)
        window = windows["existence"] if existence else windows["cue"]
        for subject in subjects:
            if subject in decided:
                continue
            reading = None if rules.numbers is None else read_numbers(
                sentence, tokens, subject, rules.numbers, windows["cue"])
            if reading is not None:
                found.append({"cue": subject.phrase, "word": reading.word,
                              "direction": reading.direction, "negated": False,
                              "expects": subject.expects, "rule": "numbers"})
                continue
            hit = self._attach(sentence, tokens, subject, candidates, window, rules, claim)
            if hit is not None:
                found.append({"cue": subject.phrase, "word": hit.word,
                              "direction": _flip(hit.direction) if hit.negated else hit.direction,
                              "negated": hit.negated, "expects": subject.expects,
                              **({"rule": hit.rule} if hit.rule else {})})
            elif existence and subject.expects == "up" and _NUMBER.search(
                    " ".join(words[max(0, subject.start - windows["quantity"]):
                                   subject.end + windows["quantity"]])):
                found.append({"cue": subject.phrase, "word": "<quantity>", "direction": "up",
                              "negated": False, "expects": subject.expects})
        votes = sum(1 if c["direction"] == c["expects"] else -1 for c in found)
        weight = 1.0
        if not found and subjects and existence:
            # Existence claims: management naming the robot / chip is itself weak support.
            start = subjects[0].start
            if not self._negated(words, start, rules):
                found.append({"cue": " ".join(words[start:start + 3]), "word": "<mention>",
                              "direction": "up", "negated": False, "expects": "up"})
                votes, weight = 1, rules.weights["mention"]
        factor = (rules.weights["hedged"] if hedged else 1.0) * (rules.weights[
            "forward_past" if horizon == "past" else "forward_forecast"] if forward else 1.0)
        if not found or votes == 0:
            result = StanceResult(NEUTRAL, 0.0, found, hedged, forward)
        else:
            stance = SUPPORTS if votes > 0 else CONTRADICTS
            short = self._size_short(sentence, tokens, subjects, claim, rules) \
                if stance == SUPPORTS else None
            if short is not None:  # right direction, too small: "up 16%" for "more than 20%"
                found.append({"cue": short[0], "word": short[1], "rule": "size"})
                return StanceResult(CONTRADICTS, round(weight * factor * rules.numbers.size_weight,
                                                       3), found, hedged, forward, True)
            result = StanceResult(stance, round(weight * factor, 3), found, hedged, forward)
        # the amount ("more than $20 billion") or level ("in the 40s") the claim names
        result = quantity_stance(result, sentence, tokens, subjects, claim, rules, factor)
        result = qualify(result, sentence, claim, rules.aspect)
        figures = claim_figures(claim.quote, rules)
        met = figures_met(sentence, figures, rules) if subjects else []
        if result.stance == SUPPORTS:
            met = sorted({*met, *bounds_met_by_change(sentence, tokens, subjects, figures, rules)})
        if met:  # the claim's own figures this sentence states (claims/verdict.py caps)
            result = dataclasses.replace(result, cues=[*result.cues,
                                                       {"rule": "figures", "met": met}])
            if result.stance == CONTRADICTS and claim.direction == "down" \
                    and len(met) == len(figures) and all(figures[i].level for i in met):
                # "Azure has cooled ... to 93%": "Azure revenue grew 93%" states the level the
                # claim says growth came down to; its "grew" is the revenue's, not the rate's
                result = dataclasses.replace(result, stance=SUPPORTS)
            elif result.stance == NEUTRAL and len(met) == len(figures) and all(
                    c.get("rule") == "figures" for c in result.cues):
                # no direction word, but the subject and every figure the claim gives
                result = dataclasses.replace(result, stance=SUPPORTS, weight=round(
                    factor * rules.weights["figure_stated"], 3))
        return dataclasses.replace(result, on_subject=bool(subjects))

    @staticmethod
    def _rate(sentence: str, claim: Claim, rules: StanceRules, hedged: bool, forward: bool,
              horizon: str) -> StanceResult:
        """A growth-rate claim: only a sentence naming a rate takes a side, by its rate word."""
        direction = rate_direction(sentence, rules.shape)
        if direction is None or (horizon == "forecast" and not forward):
            # a forecast of the rate is answered by guidance, not by a past rate ("when we
            # were accelerating all of our CapEx spend over the past two and a half years")
            return StanceResult(NEUTRAL, 0.0, [{"rate": False}], hedged, forward)
        factor = (rules.weights["hedged"] if hedged else 1.0) * (rules.weights[
            "forward_past" if horizon == "past" else "forward_forecast"] if forward else 1.0)
        if not subject_spans(tokenize(sentence).words, claim_subjects(claim, rules)):
            factor *= rules.weights["anaphora"]  # "It will grow at a lower rate": retrieved
            # for the claim, its rate is the subject's unless named otherwise
        cue = {"cue": "rate", "word": direction, "direction": direction,
               "expects": claim.direction, "rule": "rate"}
        return StanceResult(SUPPORTS if direction == claim.direction else CONTRADICTS,
                            round(factor, 3), [cue], hedged, forward)

    @staticmethod
    def _size_short(sentence: str, tokens: Tokens, subjects: list[Subject], claim: Claim,
                    rules: StanceRules) -> tuple[str, str] | None:
        # "more than 20%", "around 40%" (within levels.close_band), "growing 40%", "doubled"
        bound = claim_requirement(claim.quote, rules) if rules.numbers else None
        if bound is None or rules.numbers is None:
            return None
        for subject in subjects:
            short = size_short(sentence, tokens, subject, rules.numbers,
                               rules.windows["size_reach"],
                               bound, lambda w: rules.word_direction(w) in ("up", "down"))
            if short is not None:
                return subject.phrase, short
        return None

    def _event_named(self, words: list[str], phrase: str, event: EventRule, claim: Claim,
                     rules: StanceRules, hedged: bool, forward: bool) -> StanceResult:
        """A sentence naming the event supports the claim, or contradicts it when negated
        ("we have no plans to spin off ...")."""
        start = phrase_spans(words, phrase)[0][0]
        negated = self._negated(words, start, rules)
        supports = (claim.direction != "down") != negated
        cue = {"cue": phrase, "word": "<event>", "event": event.event_id, "negated": negated,
               "direction": "down" if negated else "up", "expects": "up"}
        weight = 1.0
        if hedged:
            weight *= rules.weights["hedged"]
        if forward:
            weight *= rules.weights["forward_past" if horizon_of(claim, rules.aspect) == "past"
                                    else "forward_forecast"]
        return StanceResult(SUPPORTS if supports else CONTRADICTS, round(weight, 3), [cue],
                            hedged, forward)

    @staticmethod
    def _elsewhere(sentence: str, tokens: Tokens, subject: Subject, cand: _Candidate,
                   links: dict[str, frozenset[str]]) -> bool:
        """A direction word (not a phrase rule) the parse gives to another noun."""
        if cand.rule is not None:
            return False
        return owned_elsewhere(sentence, _span(tokens, subject), tokens.starts[cand.pos],
                               links)

    @staticmethod
    def _negated(words: list[str], pos: int, rules: StanceRules) -> bool:
        return any(t in rules.negations for t in words[max(0, pos - rules.windows["negation"]):pos])

    def _hit_negated(self, words: list[str], hit: RuleHit, rules: StanceRules) -> bool:
        """A negation just before the phrase, or inside it ("demand did not exceed supply")."""
        first = min(hit.consumed)
        inside = [words[p] for p in range(first, hit.end) if p not in hit.consumed
                  and not (hit.subject and hit.subject.start <= p < hit.subject.end)]
        return self._negated(words, first, rules) or any(w in rules.negations for w in inside)

    def _rule_votes(self, words: list[str], hits: list[RuleHit], subjects: list[Subject],
                    subjects_all: list[tuple[str, str]], rules: StanceRules,
                    ) -> tuple[list[dict[str, Any]], set[Subject]]:
        """Votes of rules that name their subject ({subject} slot) or set a concept."""
        found: list[dict[str, Any]] = []
        decided: set[Subject] = set()
        concepts_done: set[str] = set()
        for hit in hits:
            rule = hit.rule
            text = " ".join(words[min(hit.consumed):hit.end])
            negated = self._hit_negated(words, hit, rules)
            if hit.subject is not None and rule.direction is not None:
                direction = _flip(rule.direction) if negated else rule.direction
                found.append({"cue": hit.subject.phrase, "word": text, "direction": direction,
                              "negated": negated, "expects": hit.subject.expects,
                              "rule": rule.rule_id})
                decided.add(hit.subject)
            for concept, value in rule.sets.items():
                for phrase, expects in subjects_all:
                    if phrase in concepts_done or concept not in phrase_words(phrase):
                        continue
                    if not self._about_claim(hit, phrase, concept, words, subjects, rules):
                        continue
                    concepts_done.add(phrase)
                    found.append({"cue": phrase, "word": text,
                                  "direction": _flip(value) if negated else value,
                                  "negated": negated, "expects": expects, "rule": rule.rule_id})
        decided.update(s for s in subjects if s.phrase in concepts_done)
        return found, decided

    @staticmethod
    def _about_claim(hit: RuleHit, phrase: str, concept: str, words: list[str],
                     subjects: list[Subject], rules: StanceRules) -> bool:
        """A concept ("demand") counts for a claim subject when the sentence is about the claim
        (that subject is named in it, or another claim subject is near the phrase), or when the
        rule is `implicit` and the subject is the bare concept ("we are supply constrained")."""
        if any(s.phrase == phrase for s in subjects):
            return True
        if hit.rule.implicit and concept not in words and phrase_words(phrase) == (concept,):
            return True
        reach = hit.rule.window if hit.rule.window is not None else rules.windows["cue"]
        first = min(hit.consumed)
        return any(s.end > first - reach and s.start < hit.end + reach for s in subjects)

    def _candidates(self, words: list[str], hits: list[RuleHit],
                    rules: StanceRules) -> list[_Candidate]:
        """Direction words not owned by a rule, and the rules that act as one direction word."""
        owned: set[int] = set()
        out: list[_Candidate] = []
        for hit in hits:
            owned |= hit.consumed
            if hit.rule.direction is not None and not hit.rule.has_slot:
                first = min(hit.consumed)
                out.append(_Candidate(first, hit.rule.direction,
                                      " ".join(words[first:hit.end]), hit.rule.window,
                                      self._hit_negated(words, hit, rules), hit.rule.rule_id))
        for pos, word in enumerate(words):
            if pos in owned:
                continue
            direction = rules.word_direction(word)
            if direction is not None:
                out.append(_Candidate(pos, direction, word, None,
                                      self._negated(words, pos, rules)))
        return out

    def _attach(self, sentence: str, tokens: Tokens, subject: Subject, candidates: list[_Candidate],
                window: int, rules: StanceRules, claim: Claim) -> _Candidate | None:
        """The direction word of one subject: nearest in its window and clause; the parse
        decides when the window holds both directions, or nothing while the clause does."""
        words = tokens.words
        in_clause: list[tuple[int, _Candidate]] = []
        for cand in candidates:
            if subject.start <= cand.pos < subject.end:
                continue
            lo, hi = min(cand.pos, subject.start), max(cand.pos, subject.end)
            if any(w in _CLAUSE or w in rules.clause_breaks for w in words[lo:hi]):
                continue
            distance = subject.start - cand.pos if cand.pos < subject.start \
                else cand.pos - subject.end + 1
            in_clause.append((distance, cand))
        near = [(d, c) for d, c in in_clause if d <= (c.window if c.window is not None else window)]
        if near and rules.parse:
            near = [(d, c) for d, c in near
                    if not self._elsewhere(sentence, tokens, subject, c, rules.parse_links)]
        directions = {_flip(c.direction) if c.negated else c.direction for _, c in near}
        # Ask the parse only when the window is ambiguous (both directions), or empty while the
        # clause has direction words further away (not for existence claims: they stay local).
        beyond = not near and not getattr(claim, "mentions_support", False)
        pool = near if len(directions) > 1 else (in_clause if beyond else [])
        if pool and rules.parse:
            span = (tokens.starts[subject.start],
                    tokens.starts[subject.end - 1] + len(words[subject.end - 1]))
            chosen = attach(sentence, span, [tokens.starts[c.pos] for _, c in pool],
                            rules.parse_links)
            if chosen is not None:
                return pool[chosen][1]
        if near:
            return min(near, key=lambda dc: dc[0])[1]
        after = [(d, c) for d, c in in_clause
                 if c.pos >= subject.end and d <= rules.windows["metric_reach"]]
        if claim.kind in ("metric", "both") and after:
            # "CapEx to be about $125 billion ..., and that amount will increase"; but not a
            # word the parse gives to another noun ("..., and operating income increased")
            after = [(d, c) for d, c in after if not rules.parse
                     or not self._elsewhere(sentence, tokens, subject, c, rules.parse_links)]
            if after:
                return min(after, key=lambda dc: dc[0])[1]
        return None


def _span(tokens: Tokens, subject: Subject) -> tuple[int, int]:
    words = tokens.words
    return tokens.starts[subject.start], tokens.starts[subject.end - 1] + len(
        words[subject.end - 1])


def default_stance_model() -> StanceModel:
    return RuleStance()
