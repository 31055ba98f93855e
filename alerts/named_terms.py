"""Named terms (products, programmes, initiatives) the tagger's ruler found, per company.

Why shared: `first_mention` (a name appears) and `went_quiet` (a name disappears) must agree on
what a name is. A term counts only when the text writes it as a name (capitalised, or with a
digit) in at least 80% of its mid-sentence uses, so "robotics" or "custom silicon" never do.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

#: (quarter index, source kind, sentence text, accession or None), in text order.
Hit = tuple[int, str, str, str | None]


def _is_name(surface: str) -> bool:
    """Written as a name mid-sentence: every word capitalised or carrying a digit
    ("Proteus", "Graviton3", "Trn1"), unlike "robotics" or "AWS-designed chips"."""
    words = surface.split()
    return bool(words) and all(w[:1].isupper() or any(c.isdigit() for c in w) for w in words)


def named_terms(store: Store, labels: list[str], ignored: set[str],
                tickers: list[str] | None = None) -> tuple[
        dict[tuple[str, str], list[Hit]], dict[tuple[str, str], set[str]]]:
    """(ticker, term) -> management sentences naming it (one per sentence), oldest first, and
    (ticker, term) -> the taxonomy topics it tags; only terms written as names."""
    where, params = "", []
    if tickers:
        where = f" AND upper(s.ticker) IN ({', '.join('?' for _ in tickers)})"
        params = [t.upper() for t in tickers]
    rows = store.con.execute(
        "SELECT s.ticker, m.surface, s.fiscal_year, s.fiscal_quarter, s.doc_type, "
        "s.text, s.accession, m.start_char, s.sentence_id, m.topic FROM mentions m JOIN "
        "sentences s USING (sentence_id) WHERE m.method = 'ruler' AND m.label IN "
        f"({', '.join('?' for _ in labels)}) AND (s.role IS NULL OR s.role = 'management') "
        "AND s.ticker IS NOT NULL AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT "
        f"NULL{where} ORDER BY s.fiscal_year, s.fiscal_quarter, s.source_id, s.ord",
        [*labels, *params]).fetchall()
    seen: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    topics: dict[tuple[str, str], set[str]] = defaultdict(set)
    written: dict[tuple[str, str], list[bool]] = defaultdict(list)  # mid-sentence: as a name?
    counted: set[tuple[str, str, Any]] = set()  # one sentence may carry several mentions
    for ticker, surface, year, q, kind, text, accession, start, sentence_id, topic in rows:
        term = (surface or "").lower()
        if not term or term in ignored:
            continue
        key = (ticker.upper(), term)
        if topic:
            topics[key].add(topic)
        if (*key, sentence_id) in counted:
            continue
        counted.add((*key, sentence_id))
        seen[key].append((FiscalQuarter(year, q).index, kind, text, accession))
        if start:
            written[key].append(_is_name(surface))
    for key, mid in written.items():
        if mid and sum(mid) < 0.8 * len(mid):
            del seen[key]  # "robotics", "custom silicon": mostly written as a common word
    return dict(seen), {k: topics[k] for k in seen}
