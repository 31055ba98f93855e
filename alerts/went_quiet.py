"""`went_quiet`: a topic management kept raising, absent from a quarter that had the same sources.

Why per source kind: a topic carried by the calls cannot go quiet in a quarter that has only
a 10-Q, and a quarter with no data is no silence at all. So a topic counts as quiet in
quarter Q for source kind K (call, 10-Q, 10-K, earnings release) only when K holds at least
`min_sentences` management sentences in Q, the topic appeared in K in the previous quarter with
K (so a silence is reported once, when it starts) and in at least `min_quarters`
of the previous `lookback` quarters in which K exists (within `max_span` quarters: a call of
five years ago says nothing about this one), and nothing of the topic appears in Q in any
source. Filings carry management's words (no role); calls only management turns.
With `named_terms`, the same rule runs for products, programmes and initiatives the tagger
names (labels `term_labels`, written as names: alerts/named_terms.py), so a product dropped
from the releases is reported even when its broader topic is still discussed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from alerts.model import Alert
from alerts.named_terms import named_terms
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

KIND = "went_quiet"
_DOC_NAMES = {"transcript": "earnings call", "earnings_release": "earnings release"}


def _ticker_filter(tickers: list[str] | None, column: str) -> tuple[str, list[str]]:
    if not tickers:
        return "", []
    return (f" AND upper({column}) IN ({', '.join('?' for _ in tickers)})",
            [t.upper() for t in tickers])


def _load(store: Store, methods: list[str], labels: list[str],
          tickers: list[str] | None) -> tuple[
        dict[tuple[str, str], dict[FiscalQuarter, int]],
        dict[tuple[str, str], dict[FiscalQuarter, dict[str, int]]]]:
    """(ticker, kind) -> quarter -> sentences; (ticker, topic) -> quarter -> kind -> mentions."""
    where, params = _ticker_filter(tickers, "ticker")
    management = "(role IS NULL OR role = 'management')"
    sizes: dict[tuple[str, str], dict[FiscalQuarter, int]] = defaultdict(dict)
    for ticker, kind, year, q, n in store.con.execute(
            "SELECT ticker, doc_type, fiscal_year, fiscal_quarter, count(*) FROM sentences "
            f"WHERE {management} AND ticker IS NOT NULL AND fiscal_year IS NOT NULL "
            f"AND fiscal_quarter IS NOT NULL{where} GROUP BY ALL", params).fetchall():
        sizes[(ticker.upper(), kind)][FiscalQuarter(year, q)] = n
    where_m, params_m = _ticker_filter(tickers, "s.ticker")
    marks = ", ".join("?" for _ in methods)
    label_marks = ", ".join("?" for _ in labels)
    topics: dict[tuple[str, str], dict[FiscalQuarter, dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict))
    for ticker, topic, kind, year, q, n in store.con.execute(
            "SELECT s.ticker, m.topic, s.doc_type, s.fiscal_year, s.fiscal_quarter, "
            "count(DISTINCT s.sentence_id) FROM mentions m JOIN sentences s USING (sentence_id) "
            f"WHERE m.method IN ({marks}) AND (s.role IS NULL OR s.role = 'management') "
            f"AND (m.label IS NULL OR m.label IN ({label_marks})) "
            f"AND s.ticker IS NOT NULL AND s.fiscal_year IS NOT NULL{where_m} GROUP BY ALL",
            [*methods, *labels, *params_m]).fetchall():
        topics[(ticker.upper(), topic)][FiscalQuarter(year, q)][kind] = n
    return sizes, topics


def _last_sentences(store: Store, ticker: str, topic: str, kind: str,
                    quarter: FiscalQuarter, methods: list[str]) -> list[dict[str, Any]]:
    """The topic's last mention in that kind of source, as the alert's evidence."""
    row = store.con.execute(
        "SELECT s.text, s.doc_type, s.accession, s.call_id FROM mentions m JOIN sentences s "
        f"USING (sentence_id) WHERE upper(s.ticker) = ? AND m.topic = ? AND s.doc_type = ? "
        f"AND s.fiscal_year = ? AND s.fiscal_quarter = ? AND m.method IN "
        f"({', '.join('?' for _ in methods)}) AND (s.role IS NULL OR s.role = 'management') "
        "ORDER BY s.source_id, s.ord LIMIT 1",
        [ticker, topic, kind, quarter.year, quarter.quarter, *methods]).fetchone()
    if row is None:
        return []
    url = None
    if row[2]:
        found = store.con.execute("SELECT url FROM filings WHERE accession = ?",
                                  [row[2]]).fetchone()
        url = found[0] if found else None
    return [{"text": row[0], "source": f"{quarter} {_DOC_NAMES.get(row[1], row[1])}",
             "url": url}]


def _silences(sizes: dict[tuple[str, str], dict[FiscalQuarter, int]], ticker: str,
              by_quarter: dict[FiscalQuarter, dict[str, int]], settings: dict[str, Any],
              ) -> Iterator[tuple[str, FiscalQuarter, list[FiscalQuarter], list[FiscalQuarter],
                                  int]]:
    """(kind, quarter, quarters compared, quarters naming it, sentences) for every start of a
    silence of one subject (topic or term) of `ticker`, by the per-source-kind rule above."""
    lookback, need = int(settings["lookback"]), int(settings["min_quarters"])
    min_sentences, max_span = int(settings["min_sentences"]), int(settings["max_span"])
    min_mentions = int(settings["min_mentions"])
    for (size_ticker, kind), quarters in sizes.items():
        if size_ticker != ticker:
            continue
        present = sorted(q for q, n in quarters.items() if n >= min_sentences)
        for i, quarter in enumerate(present):
            if quarter in by_quarter:  # mentioned somewhere this quarter: not quiet
                continue
            before = [q for q in present[max(0, i - lookback):i]
                      if quarter.index - q.index <= max_span]
            hits = [q for q in before if by_quarter.get(q, {}).get(kind)]
            if len(before) < need or len(hits) < need or hits[-1] != before[-1]:
                continue  # too rare, or already quiet last time (raised then)
            mentions = sum(by_quarter[q][kind] for q in hits)
            if mentions >= min_mentions:
                yield kind, quarter, before, hits, mentions


def _alert(ticker: str, subject: str, kind: str, quarter: FiscalQuarter, size: int,
           before: list[FiscalQuarter], hits: list[FiscalQuarter], mentions: int,
           lookback: int, evidence: list[dict[str, Any]], numbers: dict[str, Any]) -> Alert:
    name = _DOC_NAMES.get(kind, kind)
    article = "an" if name[0] in "aeiou" else "a"
    listed = ", ".join(map(str, hits))
    return Alert(
        kind=KIND, ticker=ticker, quarter=quarter, subject=f"{subject}@{kind}",
        severity=min(1.0, 0.3 + 0.4 * len(hits) / lookback
                     + 0.3 * min(1.0, mentions / (5 * len(hits)))),
        title=f"{subject} went quiet in the {quarter} {name}",
        detail=(f"Management mentioned {subject} in {len(hits)} of the previous "
                f"{len(before)} quarters with {article} {name} ({listed}; "
                f"{mentions} sentences) and not at all in {quarter}, whose {name} "
                f"holds {size} management sentences."),
        evidence=evidence,
        numbers={**numbers, "source_kind": kind,
                 "quarters_with_mentions": [str(q) for q in hits],
                 "quarters_compared": [str(q) for q in before],
                 "mentions_before": mentions, "sentences_now": size})


def _quiet_terms(store: Store, settings: dict[str, Any], tickers: list[str] | None,
                 sizes: dict[tuple[str, str], dict[FiscalQuarter, int]],
                 raised: set[tuple[str, str, FiscalQuarter, str]]) -> list[Alert]:
    """Named terms (products, programmes) gone quiet. A term counts as named in a quarter when
    it or a longer/shorter form of it is ("Graviton" by "Graviton3"); a term whose topic
    already went quiet in the same quarter and source kind is skipped (the topic alert says
    it)."""
    ignored = {t.lower() for t in settings["ignore_terms"]}
    seen, term_topics = named_terms(store, list(settings["term_labels"]), ignored, tickers)
    lookback = int(settings["lookback"])
    alerts: list[Alert] = []
    for (ticker, term), term_hits in sorted(seen.items()):
        by_quarter: dict[FiscalQuarter, dict[str, int]] = defaultdict(dict)
        for index, kind, _, _ in term_hits:
            counts = by_quarter[FiscalQuarter.from_index(index)]
            counts[kind] = counts.get(kind, 0) + 1
        for (other_ticker, other), other_hits in seen.items():
            if other_ticker == ticker and other != term and (
                    other.startswith(term) or term.startswith(other)):
                for index, _, _, _ in other_hits:  # the name lives on in another form
                    by_quarter.setdefault(FiscalQuarter.from_index(index), {})
        for kind, quarter, before, hits, mentions in _silences(sizes, ticker, by_quarter,
                                                               settings):
            if any((ticker, topic, quarter, kind) in raised
                   for topic in term_topics.get((ticker, term), ())):
                continue
            last = [h for h in term_hits if h[0] == hits[-1].index and h[1] == kind][-2:]
            evidence = [{"text": text, "source": f"{hits[-1]} {_DOC_NAMES.get(kind, kind)}",
                         "url": _url(store, accession)} for _, _, text, accession in last]
            alerts.append(_alert(ticker, term, kind, quarter, sizes[(ticker, kind)][quarter],
                                 before, hits, mentions, lookback, evidence,
                                 {"term": term, "topics": sorted(term_topics[(ticker, term)])}))
    return alerts


def _url(store: Store, accession: str | None) -> str | None:
    if not accession:
        return None
    found = store.con.execute("SELECT url FROM filings WHERE accession = ?",
                              [accession]).fetchone()
    return found[0] if found else None


def quiet_topics(store: Store, settings: dict[str, Any],
                 tickers: list[str] | None = None) -> list[Alert]:
    """Every (company, quarter, topic or named term) that went quiet, over the whole history."""
    methods = list(settings["methods"])
    ignored = set(settings["ignore_topics"])
    lookback = int(settings["lookback"])
    sizes, topics = _load(store, methods, list(settings["labels"]), tickers)
    alerts: list[Alert] = []
    raised: set[tuple[str, str, FiscalQuarter, str]] = set()
    for (ticker, topic), by_quarter in sorted(topics.items()):
        if topic in ignored:
            continue
        for kind, quarter, before, hits, mentions in _silences(sizes, ticker, by_quarter,
                                                               settings):
            raised.add((ticker, topic, quarter, kind))
            alerts.append(_alert(
                ticker, topic, kind, quarter, sizes[(ticker, kind)][quarter], before, hits,
                mentions, lookback,
                _last_sentences(store, ticker, topic, kind, hits[-1], methods),
                {"topic": topic}))
    if settings["named_terms"]:
        alerts.extend(_quiet_terms(store, settings, tickers, sizes, raised))
    return alerts
