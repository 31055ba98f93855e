"""From stances and numbers to a verdict, a score in [-1, 1] and a one-line reason.

Narrative part: the weighted balance of supporting against contradicting sentences; a
sentence that confirms only part of the claim (the direction but not the size, a plan for
what the claim says is done) weighs without taking a side, so it pulls towards mixed, and a
claim with several parts ("in Austin and the Bay Area") is mixed while its confirming
sentences name only some of them.
Metric part: the reported change against the expected direction (claims.metrics), with the
size or level the claim states (claims.stance_size): right way but short is mixed.
A claim of kind `both` averages the two; a metric claim falls back on words only when the
quarter has no number. No evidence at all is "not_discussed": silence never contradicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claims.ledger import Claim
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, StanceResult
from claims.stance_figures import claim_figures, meets
from claims.stance_rules import load_stance_rules
from claims.stance_shape import claim_segment, rate_claim
from claims.stance_size import as_percent, claim_level, sized_score
from claimtracker.errors import ConfigError
from claimtracker.metric_catalog import load_catalog


@dataclass(frozen=True)
class Verdict:
    verdict: str
    score: float
    reason: str


def _size_only(stance: StanceResult) -> bool:
    """A sentence that goes the claim's way but short of the size it asks for ("up 16%" for
    "more than 20%"): it confirms the direction and contradicts the size, so it pulls the
    balance towards mixed, not towards contradicted."""
    return stance.stance == CONTRADICTS and any(c.get("rule") == "size" for c in stance.cues)


def _planned(stance: StanceResult) -> bool:
    """A sentence that only plans what the claim says is done (claims.stance_aspect): it
    confirms the intention, not the fact, so like a size miss it pulls towards mixed."""
    return stance.stance == SUPPORTS and any(c.get("rule") == "planned" for c in stance.cues)


def _before_period(stance: StanceResult) -> bool:
    """A realised sentence read for a forecast before its period (claims.forecast_frame): it
    shows the trend, not the forecast, so it pulls towards mixed."""
    return stance.stance != NEUTRAL and any(c.get("rule") == "frame" for c in stance.cues)


def _partial(stance: StanceResult) -> bool:
    return _size_only(stance) or _planned(stance) or _before_period(stance)


def parts_missing(stances: list[StanceResult]) -> bool:
    """True when the claim has several parts ("in Austin and the Bay Area") and the
    sentences that confirm it or report something done without taking a side ("we're now
    operating in Austin and the Bay Area"), taken together, name some of them but not all."""
    named: set[str] = set()
    every: set[str] = set()
    for stance in stances:
        if stance.stance == CONTRADICTS or _planned(stance):
            continue
        for cue in stance.cues:
            if cue.get("rule") == "parts" and cue.get("realised", True):
                named.update(cue.get("named", ()))
                every.update(cue.get("of", ()))
    return bool(named) and named != every


def figures_missing(claim: Claim, stances: list[StanceResult],
                    metric: dict[str, Any] | None) -> bool:
    """True when the claim states figures ("15 million", "about 27%", "$250 billion") or a
    level ("40%대", "in the 40s") and the quarter's sentences that do not contradict it, with
    the reported number, leave one of them unstated: the direction may hold, the figure is
    not confirmed."""
    rules = load_stance_rules()
    figures = claim_figures(claim.quote, rules)
    level = claim_level(claim.quote, rules)
    if level is not None and not _level_stated(stances, metric, level):
        return True  # "already in the 40s" against "we expanded gross margin"
    if not figures:
        return False
    met: set[int] = set()
    for stance in stances:
        if stance.stance != CONTRADICTS:
            for cue in stance.cues:
                if cue.get("rule") == "figures":
                    met.update(cue.get("met", ()))
    for value, kind in _metric_figures(metric):
        met.update(i for i, f in enumerate(figures)
                   if meets(f, abs(value), kind, rules, reported=True))
    return len(met) < len(figures)


def _level_stated(stances: list[StanceResult], metric: dict[str, Any] | None,
                  level: tuple[float, float]) -> bool:
    """A sentence of the quarter that takes the claim's side states its level
    (claims.stance_levels), or the reported ratio lies in the range."""
    if any(s.stance == SUPPORTS and any(c.get("rule") == "level" for c in s.cues)
           for s in stances):
        return True
    value = (metric or {}).get("value")
    if value is None or (metric or {}).get("change_unit") == "%":
        return False
    return level[0] <= as_percent(value) <= level[1]


def _metric_figures(metric: dict[str, Any] | None) -> list[tuple[float, str]]:
    """The reported number as figures: an amount and its change in percent, or a ratio as a
    percentage level."""
    if not metric:
        return []
    out: list[tuple[float, str]] = []
    value = metric.get("value")
    if metric.get("change_unit") == "%":
        change = metric.get("qoq") if metric.get("basis") == "qoq" else metric.get("yoy")
        if change is not None:
            out.append((float(change), "pct"))
        if value is not None:
            out.append((float(value), "amount"))
    elif value is not None:
        out.append((as_percent(value), "pct"))
    return out


def narrative_balance(stances: list[StanceResult]) -> tuple[float | None, float]:
    """(balance in [-1, 1] or None when nobody takes a side, total weight of sided sentences)."""
    weight = sum(s.weight for s in stances if s.stance in (SUPPORTS, CONTRADICTS))
    if weight <= 0:
        return None, 0.0
    return sum(0.0 if _partial(s) else s.signed for s in stances) / weight, weight


def _label(balance: float, supported_at: float) -> str:
    """At or above `supported_at` (data/stance.yaml `verdict`): supported; at or below its
    negative: contradicted; between: mixed."""
    if balance >= supported_at:
        return "supported"
    if balance <= -supported_at:
        return "contradicted"
    return "mixed"


def _metric_phrase(metric: dict[str, Any]) -> str:
    unit = metric["change_unit"]
    parts = []
    for key, label in (("yoy", "YoY"), ("qoq", "QoQ")):
        if metric.get(key) is not None:
            parts.append(f"{metric[key]:+.1f}{unit} {label}")
    moves = ", ".join(parts) or "no comparison quarter"
    basis = ", judged QoQ" if metric.get("basis") == "qoq" else ""
    return f"{metric['name']} {moves} (expected {metric['expected']}{basis})"


def _not_its_number(claim: Claim) -> bool:
    """The reported number does not measure what the claim says: a growth-rate claim ("capex
    growth will slow") against the level's change, or a segment's margin ("Microsoft Cloud
    gross margin") against the company's (a segment metric is the segment's own number)."""
    shape = load_stance_rules().shape
    if rate_claim(claim, shape):
        return True
    if claim_segment(claim, shape) is None or not claim.metric:
        return False
    try:
        return not load_catalog().get(claim.metric).is_segment
    except ConfigError:  # an unknown metric: no number to set aside
        return False


def _no_side(stances: list[StanceResult], said: str) -> Verdict:
    """No sentence and no number takes a side: not_discussed, with how many sentences named
    the claim's subject all the same (the reader's cue to open the evidence). Calling such a
    quarter mixed was measured on the labelled articles and did not pay: most quarters
    labelled with a side have no sentence naming the subject at all."""
    named = sum(1 for s in stances if s.on_subject)
    if named:
        said += f"; {named} name the claim's subject without taking a side"
    return Verdict("not_discussed", 0.0, said + "; nothing takes a side")


def decide(claim: Claim, stances: list[StanceResult], metric: dict[str, Any] | None,
           *, has_data: bool = True) -> Verdict:
    """Combine the narrative balance and the metric score into one verdict."""
    if metric and not getattr(claim, "compare", None) and _not_its_number(claim):
        metric = None
    if not has_data:
        return Verdict("not_discussed", 0.0, "no management language or reported numbers "
                                              "for this quarter")
    balance, weight = narrative_balance(stances)
    supports = sum(1 for s in stances if s.stance == SUPPORTS)
    contradicts = sum(1 for s in stances if s.stance == CONTRADICTS)
    thresholds = load_stance_rules().verdict
    # words count fully from `full_weight` on (one clear realised sentence)
    words = None if balance is None else balance * min(1.0, weight / thresholds["full_weight"])
    numbers, size_note = sized_score(claim, metric, metric.get("score") if metric else None)
    if claim.kind == "narrative":
        parts = [words]
    elif claim.kind == "metric":
        parts = [numbers] if numbers is not None else [words]
    else:
        parts = [words, numbers]
    known = [p for p in parts if p is not None]
    said = (f"{supports} management sentence(s) support, {contradicts} contradict"
            if stances else "no management sentence on the topics")
    if metric:
        said += f"; {_metric_phrase(metric)}{size_note}"
    if not known:
        return _no_side(stances, said)
    score = round(sum(known) / len(known), 3)
    label = _label(score, thresholds["supported_at"])
    if label != "mixed" and supports and contradicts and claim.kind == "narrative":
        label = "mixed" if abs(score) < thresholds["both_sides_at"] else label
    if label == "supported" and not getattr(claim, "compare", None) \
            and figures_missing(claim, stances, metric):
        label, said = "mixed", said + "; the claim's figure is not stated this quarter"
    if label == "supported" and getattr(claim, "compare", None) and not metric:
        # words can confirm one side ("data center revenue grew 186%"), not the comparison
        label, said = "mixed", said + "; no peer figure to compare this quarter"
    if label == "supported" and words is not None and claim.kind != "metric" \
            and parts_missing(stances):
        label, said = "mixed", said + "; only some of the claim's parts confirmed"
    return Verdict(label, score, said)
