"""Map article sentences (Korean or English) to taxonomy topics with multilingual-e5-small.

Raw e5 cosines are compressed (unrelated pairs ~0.73-0.80, related ~0.80-0.86) and some
topics are "hubs" that score high against everything. So each topic is embedded as several
passages (description, prototypes, terms) and scored by the best one; then every topic's
column is standardised over the article's own sentences (z-score), which removes hubs and
leaves "this sentence is unusually close to this topic". A sentence gets the topics with
z >= Z_MIN, at most MAX_TOPICS, best first, plus the topics whose Latin-script taxonomy terms
it contains: Korean articles keep names in English ("트레이니엄(Trainium)", "Capex").
Z_MIN was calibrated on labelled pairs (the seed
ledger's quotes and their hand-assigned topics): `python bench/topic_calibration.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.taxonomy import Taxonomy, load_taxonomy

Z_MIN = 0.75  # best F1 (0.51) on the labelled pairs; calibrated (bench/topic_calibration.py)
MAX_TOPICS = 3


@dataclass(frozen=True)
class TopicScore:
    topic: str
    z: float
    cosine: float


def topic_passages(taxonomy: Taxonomy) -> tuple[list[str], list[str]]:
    """(topic id per passage, passage text): description, each prototype, the terms."""
    owners, texts = [], []
    for topic_id, topic in taxonomy.topics.items():
        parts = [topic.description]
        if topic.semantic:
            parts.extend(topic.semantic.prototypes)
        terms = [*topic.terms, *topic.case_terms]
        if terms:
            parts.append(", ".join(terms[:25]))
        for part in parts:
            owners.append(topic_id)
            texts.append(part)
    return owners, texts


def term_topics(taxonomy: Taxonomy, text: str) -> list[str]:
    """Topics (with the ones they imply) whose terms occur in the text as Latin-script words.

    An ambiguous term counts only where the taxonomy's context rule accepts the text, as the
    tagger does ("license" alone is not export controls).
    """
    found: list[str] = []
    for topic_id, topic in taxonomy.topics.items():
        for term, flags in [*((t, re.IGNORECASE) for t in topic.terms),
                            *((t, 0) for t in topic.case_terms)]:
            if len(term) < 3:
                continue
            match = re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", text, flags)
            rule = topic.context_rule(term) if match else None
            if match and (rule is None or rule.accepts(text, match.span())):
                found.extend(t for t in taxonomy.expand(topic_id) if t not in found)
                break
    return found


class TopicMapper:
    """Cosine of each sentence to each topic (max over its passages), standardised per topic."""

    def __init__(self, model: Any = None, taxonomy: Taxonomy | None = None):
        if model is None:
            from claimtracker.models import multilingual_model

            model = multilingual_model()
        self.model = model
        self.taxonomy = taxonomy or load_taxonomy()
        self.topic_ids = self.taxonomy.ids()
        owners, texts = topic_passages(self.taxonomy)
        passages = np.asarray(self.model.passage(texts), dtype=np.float32)
        self._owner_index = np.array([self.topic_ids.index(o) for o in owners])
        self._passages = passages

    def cosines(self, sentences: Sequence[str]) -> np.ndarray:
        """(n_sentences, n_topics) best cosine between a sentence and a topic's passages."""
        queries = np.asarray(self.model.query(list(sentences)), dtype=np.float32)
        if queries.ndim == 1:
            queries = queries[None, :]
        sims = queries @ self._passages.T
        best = np.full((len(queries), len(self.topic_ids)), -1.0, dtype=np.float32)
        for column, owner in enumerate(self._owner_index):
            best[:, owner] = np.maximum(best[:, owner], sims[:, column])
        return best

    @staticmethod
    def standardise(cosines: np.ndarray) -> np.ndarray:
        mean = cosines.mean(axis=0, keepdims=True)
        std = cosines.std(axis=0, keepdims=True)
        return (cosines - mean) / np.where(std > 1e-6, std, 1.0)

    def map(self, sentences: Sequence[str], *, z_min: float = Z_MIN,
            max_topics: int = MAX_TOPICS, use_terms: bool = True,
            cosines: np.ndarray | None = None) -> list[list[TopicScore]]:
        """Topics per sentence; standardisation uses all given sentences (pass the article)."""
        if not sentences:
            return []
        cos = self.cosines(sentences) if cosines is None else cosines
        z = self.standardise(cos)
        mapped = []
        for text, row_z, row_cos in zip(sentences, z, cos, strict=True):
            order = [int(i) for i in np.argsort(-row_z)[:max_topics] if row_z[i] >= z_min]
            if use_terms:
                hits = [self.topic_ids.index(t) for t in term_topics(self.taxonomy, text)]
                order = [*hits, *(i for i in order if i not in hits)][:max(max_topics, len(hits))]
            mapped.append([TopicScore(self.topic_ids[i], round(float(row_z[i]), 2),
                                      round(float(row_cos[i]), 3)) for i in order])
        return mapped
