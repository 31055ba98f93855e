"""`language_change`: a filing Item or a call's prepared remarks rewritten against a year earlier.

Why this comparison ("Lazy Prices", Cohen, Malloy and Nguyen 2020): companies mostly copy last
year's 10-K/10-Q text, so a section that changes a lot is news. Each 10-K Item is compared
with the same Item of the prior 10-K, each 10-Q Item with the same fiscal quarter's 10-Q a
year earlier, each call's prepared remarks (management and investor relations) with the call
of the same quarter a year earlier. Three measures: cosine of term frequencies, Jaccard of
the word sets, and the share of last year's sentences kept word for word. A pair is flagged
when the chosen `measure` is low against the company's own pairs of the same family (robust z
on median and MAD) and below `max_similarity`; the detail lists the added and removed
sentences with the most new words. Cosine on raw term frequencies barely moves on long
filings (Amazon's 10-K Items FY2023 vs FY2024: 0.988-1.000), so the default is Jaccard.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from alerts.model import Alert
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

KIND = "language_change"
_WORD = re.compile(r"[a-z][a-z'\-]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_DIGITS = re.compile(r"\d")
#: The similarity measures a settings file may choose to flag on.
MEASURES = ("cosine", "jaccard", "sentences_kept")


@dataclass
class Text:
    """One comparable text: a filing Item or a call's prepared remarks."""

    ticker: str
    quarter: FiscalQuarter
    subject: str          # '10-K Item 7', 'call prepared remarks'
    text: str
    url: str | None       # the filing on EDGAR, or the call's transcript file


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if len(s.split()) >= 5]


def _filing_texts(store: Store, tickers: list[str] | None) -> list[Text]:
    rows = store.con.execute(
        "SELECT c.ticker, f.form, f.fiscal_year, f.fiscal_quarter, s.item_code, f.url, "
        "string_agg(s.text, ' ' ORDER BY s.ord) FROM sections s "
        "JOIN filings f USING (accession) JOIN companies c ON c.cik = f.cik "
        "WHERE f.form IN ('10-K', '10-Q') AND s.kind = 'narrative' AND s.item_code LIKE '%Item%' "
        "AND c.ticker IS NOT NULL AND f.fiscal_year IS NOT NULL AND f.fiscal_quarter IS NOT NULL "
        "AND f.status <> 'failed' GROUP BY ALL").fetchall()
    wanted = {t.upper() for t in tickers or []}
    return [Text(t.upper(), FiscalQuarter(y, q), f"{form} {item}", text, url)
            for t, form, y, q, item, url, text in rows if not wanted or t.upper() in wanted]


def _call_texts(store: Store, tickers: list[str] | None) -> list[Text]:
    rows = store.con.execute(
        "SELECT c.ticker, c.fiscal_year, c.fiscal_quarter, c.source_files, "
        "string_agg(t.text, ' ' ORDER BY t.ord) FROM turns t JOIN calls c USING (call_id) "
        "WHERE t.section = 'prepared' AND t.role IN ('management', 'investor_relations') "
        "AND NOT t.is_boilerplate AND c.fiscal_year IS NOT NULL AND c.fiscal_quarter IS NOT NULL "
        "GROUP BY ALL").fetchall()
    wanted = {t.upper() for t in tickers or []}
    return [Text(t.upper(), FiscalQuarter(y, q), "call prepared remarks", text,
                 (files or [None])[0])
            for t, y, q, files, text in rows if not wanted or t.upper() in wanted]


def _same(sentence: str) -> str:
    """A sentence as compared across years: "December 31, 2023" and "…, 2024" are the same."""
    return _DIGITS.sub("0", sentence)


def similarity(old: str, new: str) -> dict[str, Any]:
    """Cosine (term frequencies), Jaccard (word sets), share of old sentences kept (verbatim
    but for their digits)."""
    a, b = Counter(_words(old)), Counter(_words(new))
    dot = sum(a[w] * b[w] for w in a.keys() & b.keys())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    union = a.keys() | b.keys()
    old_s, new_s = {_same(x) for x in _sentences(old)}, {_same(x) for x in _sentences(new)}
    kept = old_s & new_s
    return {"cosine": round(dot / norm, 4) if norm else 0.0,
            "jaccard": round(len(a.keys() & b.keys()) / len(union), 4) if union else 0.0,
            "sentences_kept": round(len(kept) / len(old_s), 4) if old_s else 0.0,
            "words_before": sum(a.values()), "words_now": sum(b.values()),
            "sentences_added": len(new_s - kept), "sentences_removed": len(old_s - kept)}


def _salient(sentences: list[str], other: str, limit: int) -> list[str]:
    """Sentences of one side absent from the other, by how many of their words are new."""
    other_words = set(_words(other))
    other_sentences = {_same(s) for s in _sentences(other)}
    scored = [(len({w for w in _words(s) if w not in other_words}), s)
              for s in dict.fromkeys(sentences) if _same(s) not in other_sentences]
    scored.sort(key=lambda p: -p[0])
    return [s for n, s in scored[:limit] if n > 0] or [s for _, s in scored[:limit]]


def _family(text: Text) -> str:
    """What a pair is compared with: '10-K', '10-Q' or 'call'."""
    return text.subject.split()[0]


def comparable_pairs(store: Store, min_words: int,
                     tickers: list[str] | None = None) -> list[tuple[Text, Text, dict[str, Any]]]:
    """(year-earlier text, text, similarity) for every comparable pair in the DB."""
    texts = _filing_texts(store, tickers) + _call_texts(store, tickers)
    index = {(t.ticker, t.subject, t.quarter): t for t in texts}
    pairs = []
    for text in texts:
        old = index.get((text.ticker, text.subject, text.quarter.shift(-4)))
        if old is None or min(len(_words(old.text)), len(_words(text.text))) < min_words:
            continue
        pairs.append((old, text, similarity(old.text, text.text)))
    return pairs


def language_changes(store: Store, settings: dict[str, Any],
                     tickers: list[str] | None = None) -> list[Alert]:
    """Pairs whose similarity is low against the company's own pairs of the same family (its
    10-K Items, its 10-Q Items, its calls: robust z on median and MAD), as alerts."""
    measure = settings["measure"]
    pairs = comparable_pairs(store, int(settings["min_words"]), tickers)
    by_family: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _, text, sim in pairs:
        by_family[(text.ticker, _family(text))].append(sim[measure])
    limit = int(settings["salient_sentences"])
    alerts: list[Alert] = []
    for old, text, sim in pairs:
        history = by_family[(text.ticker, _family(text))]
        if len(history) < int(settings["min_history"]):
            continue
        median = statistics.median(history)
        mad = statistics.median(abs(c - median) for c in history) * 1.4826
        z = (median - sim[measure]) / max(mad, 0.005)
        if z < float(settings["robust_z"]) or sim[measure] > float(settings["max_similarity"]):
            continue
        added = _salient(_sentences(text.text), old.text, limit)
        removed = _salient(_sentences(old.text), text.text, limit)
        evidence = ([{"text": s, "source": f"{text.quarter} {text.subject} (added)",
                      "url": text.url} for s in added]
                    + [{"text": s, "source": f"{old.quarter} {old.subject} (removed)",
                        "url": old.url} for s in removed])
        alerts.append(Alert(
            kind=KIND, ticker=text.ticker, quarter=text.quarter, subject=text.subject,
            severity=min(1.0, 0.4 + 0.1 * z),
            title=(f"{text.subject} rewritten: {measure} {sim[measure]:.3f} against "
                   f"{old.quarter} (company median {median:.3f})"),
            detail=(f"{text.subject} of {text.quarter} against {old.quarter}: cosine "
                    f"{sim['cosine']:.3f}, Jaccard {sim['jaccard']:.3f}, "
                    f"{sim['sentences_kept']:.0%} of last year's sentences kept; "
                    f"{sim['sentences_added']} sentences added, {sim['sentences_removed']} "
                    f"removed ({sim['words_before']:,} -> {sim['words_now']:,} words). The "
                    f"company's {len(history)} comparable pairs of this kind have median "
                    f"{measure} {median:.3f}."),
            evidence=evidence,
            numbers={**sim, "compared_with": str(old.quarter), "measure": measure,
                     "median": round(median, 4),
                     "robust_z": round(z, 2), "history": len(history)},
        ))
    return alerts
