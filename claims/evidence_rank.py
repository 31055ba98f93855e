"""Rank a quarter's candidate sentences for one claim: the justifying sentence first.

Hybrid search ranks a claim's whole timeline at once, so within one quarter the sentence that
decides a verdict ("Q3 total revenue was $51.2 billion, up 26%") often sits below a dozen that
only talk about the subject ("Turning to the Google Cloud segment."). Measured on the labelled
articles, two in three justifying sentences that were missed were already among the
quarter's candidates. This module re-scores a quarter's best candidates by what a justifying
sentence has: the claim's own key terms (claims.query subjects: products, segments, metric
names), a reported figure, and enough words to say something; weights and word lists live in
data/evidence.yaml (claims.evidence_settings). No article or company vocabulary here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from nltk.stem.porter import PorterStemmer

from claims.evidence_settings import EvidenceSettings, evidence_settings
from claims.query import ClaimQuery
from claims.stance import NEUTRAL

RRF_K = 60
SCORE_KEY = "evidence_score"
_WORD = re.compile(r"[A-Za-z0-9]+")
_STEMMER = PorterStemmer()


@cache
def _stem(word: str) -> str:
    """Porter stem ("margins" ~ "margin", "spending" ~ "spend", "TPUs" ~ "tpu"): a claim and
    management seldom inflect a word alike."""
    return _STEMMER.stem(word.lower())


def _content_words(text: str, stop: frozenset[str]) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in stop}


@dataclass(frozen=True)
class KeyTerms:
    """The claim's English key terms, as whole phrases and as their content words."""

    phrases: tuple[tuple[re.Pattern[str], ...], ...]
    words: frozenset[str]
    figures: frozenset[str] = frozenset()

    def coverage(self, text: str, stop: frozenset[str]) -> tuple[float, float]:
        """(share of the key words in text, share of the key concepts it names by one of
        their phrases)."""
        words = len(self.words & _content_words(text, stop)) / len(self.words) \
            if self.words else 0.0
        phrases = sum(1 for group in self.phrases if any(p.search(text) for p in group)) \
            / len(self.phrases) if self.phrases else 0.0
        return words, phrases


def key_terms(query: ClaimQuery, settings: EvidenceSettings | None = None) -> KeyTerms:
    """The query's English subjects; a claim with none (a hand ledger's claim with cues)
    falls back on the content words of its English search text."""
    settings = settings or evidence_settings()
    subjects = [s for s in query.subjects if s.isascii() and _WORD.search(s)]
    groups = [[s for s in g if s in subjects] for g in query.groups] or [[s] for s in subjects]
    groups = [g for g in groups if g]
    if not subjects and query.text.isascii():
        subjects = sorted(_content_words(query.text, settings.stopwords))
        groups = [[s] for s in subjects]
    phrases = tuple(tuple(re.compile(rf"(?<![A-Za-z0-9]){re.escape(s)}s?(?![A-Za-z0-9])",
                                     re.IGNORECASE) for s in group) for group in groups)
    words = frozenset(w for s in subjects for w in _content_words(s, settings.stopwords))
    figures = settings.figures(query.native) | settings.figures(query.text)
    return KeyTerms(phrases, words, figures)


def _refers_back(text: str, settings: EvidenceSettings) -> bool:
    """Whether the sentence speaks of something by a pronoun ("we expect to release it")."""
    return any(w.lower() in settings.pronouns for w in _WORD.findall(text))


def sentence_score(text: str, position: int, terms: KeyTerms,
                   settings: EvidenceSettings, before: str | None = None) -> float:
    """The evidence score of a sentence at `position` (0-based) in the quarter's search order
    (the formula is in data/evidence.yaml). A sentence naming none of the key terms but
    referring back by a pronoun takes the terms of the sentence `before` it, at the
    `antecedent` share: "We're also excited for our more personalized Siri. We're making good
    progress on it, and ... we expect to release it next year." """
    w = settings.weights
    words, phrases = terms.coverage(text, settings.stopwords)
    if before and not phrases and _refers_back(text, settings):
        words_before, phrases_before = terms.coverage(before, settings.stopwords)
        words = max(words, w["antecedent"] * words_before)
        phrases = w["antecedent"] * phrases_before
    score = w["retrieval"] * RRF_K / (RRF_K + position)
    score += w["term_coverage"] * words + w["term_phrase"] * phrases
    figure = settings.figure.search(text)
    if figure and (words or phrases or not terms.words):  # a figure about something else
        score += w["number"]  # is no evidence; a short sentence with a figure says a lot
        if terms.figures and terms.figures & settings.figures(text):  # ("Loss was $4.2B.")
            score += w["same_figure"]
    elif not figure and len(text.split()) < settings.fragment_words:
        score -= w["fragment"]
    if text.rstrip().endswith("?"):
        score -= w["question"]
    return round(score, 6)


def rank_candidates(hits: Sequence[dict[str, Any]], terms: KeyTerms,
                    settings: EvidenceSettings | None = None, *, hand_cues: bool = False,
                    ) -> list[dict[str, Any]]:
    """The first `depth` hits re-ordered by sentence_score (stored under SCORE_KEY), the rest
    after them in their search order (`depth_with_cues` for a claim with hand-written cues)."""
    settings = settings or evidence_settings()
    depth = settings.depth_with_cues if hand_cues else settings.depth
    head = list(hits[:depth])
    scored = [({**hit, SCORE_KEY: sentence_score(hit["text"], i, terms, settings,
                                                 hit.get("before"))}, i)
              for i, hit in enumerate(head)]
    scored.sort(key=lambda pair: (-pair[0][SCORE_KEY], pair[1]))
    return [hit for hit, _ in scored] + list(hits[depth:])


def lead_order(judged: Sequence[tuple[dict[str, Any], Any]],
               settings: EvidenceSettings | None = None, *, hand_cues: bool = False,
               forecast: bool = False) -> list[int]:
    """Indices of the `lead` (hit, stance) pairs to show first: best evidence score plus
    `sided` times the stance weight. A hit without a score (not ranked by rank_candidates)
    scores by its position alone. A claim with hand-written cues gets `lead_with_cues`:
    its stances are precise enough to order the evidence themselves. For a forecast claim a
    forward-looking sentence gets `forecast_forward`: guidance answers it, results do not."""
    settings = settings or evidence_settings()
    size = settings.lead_with_cues if hand_cues else settings.lead
    w = settings.weights

    def score(i: int) -> float:
        hit, stance = judged[i]
        base = hit.get(SCORE_KEY)
        if base is None:
            base = w["retrieval"] * RRF_K / (RRF_K + i)
        sided = stance.weight if stance.stance != NEUTRAL else 0.0
        ahead = w["forecast_forward"] if forecast and stance.forward_looking else 0.0
        return float(base) + w["sided"] * sided + ahead

    order = sorted(range(len(judged)), key=lambda i: (-score(i), i))
    return order[:size]
