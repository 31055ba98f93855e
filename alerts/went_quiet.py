"""`went_quiet`: a topic management kept raising, absent from a quarter that had the same sources.

Why per source kind: a topic carried by the calls cannot go quiet in a quarter that has only
a 10-Q, and a quarter with no data is no silence at all. So a topic counts as quiet in
quarter Q for source kind K (call, 10-Q, 10-K, earnings release) only when K holds at least
`min_sentences` management sentences in Q, the topic appeared in K in the previous quarter with
K (so a silence is reported once, when it starts) and in at least `min_quarters`
of the previous `lookback` quarters in which K exists (within `max_span` quarters: a call of
five years ago says nothing about this one), and nothing of the topic appears in Q in any
source. Filings carry management's words (no role); calls only management turns.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from alerts.model import Alert
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


def quiet_topics(store: Store, settings: dict[str, Any],
                 tickers: list[str] | None = None) -> list[Alert]:
    """Every (company, quarter, topic) that went quiet, over the whole history."""
    methods = list(settings["methods"])
    lookback, need = int(settings["lookback"]), int(settings["min_quarters"])
    min_sentences = int(settings["min_sentences"])
    max_span = int(settings["max_span"])
    ignored = set(settings["ignore_topics"])
    min_mentions = int(settings["min_mentions"])
    sizes, topics = _load(store, methods, list(settings["labels"]), tickers)
    alerts: list[Alert] = []
    for (ticker, topic), by_quarter in sorted(topics.items()):
        if topic in ignored:
            continue
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
                if mentions < min_mentions:
                    continue
                name = _DOC_NAMES.get(kind, kind)
                article = "an" if name[0] in "aeiou" else "a"
                listed = ", ".join(map(str, hits))
                alerts.append(Alert(
                    kind=KIND, ticker=ticker, quarter=quarter, subject=f"{topic}@{kind}",
                    severity=min(1.0, 0.3 + 0.4 * len(hits) / lookback
                                 + 0.3 * min(1.0, mentions / (5 * len(hits)))),
                    title=f"{topic} went quiet in the {quarter} {name}",
                    detail=(f"Management mentioned {topic} in {len(hits)} of the previous "
                            f"{len(before)} quarters with {article} {name} ({listed}; "
                            f"{mentions} sentences) and not at all in {quarter}, whose {name} "
                            f"holds {quarters[quarter]} management sentences."),
                    evidence=_last_sentences(store, ticker, topic, kind, hits[-1], methods),
                    numbers={"topic": topic, "source_kind": kind,
                             "quarters_with_mentions": [str(q) for q in hits],
                             "quarters_compared": [str(q) for q in before],
                             "mentions_before": mentions,
                             "sentences_now": quarters[quarter]},
                ))
    return alerts
