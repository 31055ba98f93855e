"""`first_mention`: a product, programme or initiative named for the first time in our data.

Why named entities of the taxonomy and not every new noun: the tagger's ruler labels product
and programme names (data/topics.yaml terms: PRODUCT, ROBOT…), which is what a reader means by
"Trainium was mentioned for the first time"; new nouns are mostly noise. A term counts only
when the text writes it as a name (capitalised, or with a digit) in at least 80% of its
mid-sentence uses, so "robotics" or "custom silicon" never qualify; a misspelling or
truncation of a name already seen ("tranium", "inf2") is not a new name. Why the guards: the
first quarter of a company's data, or the first earnings release in the data, names everything
"for the first time". So a first mention counts only when the company has `min_prior_quarters`
earlier quarters with data and the source kind it appears in has `min_prior_kind_quarters`
earlier quarters of its own. Ranked by salience: sentences naming it that quarter, and how many
later quarters name it again.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from alerts.model import Alert
from alerts.named_terms import named_terms
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter

KIND = "first_mention"
_DOC_NAMES = {"transcript": "earnings call", "earnings_release": "earnings release"}


def _split(term: str) -> tuple[str, str]:
    """(letters, digits) of a term: "Trainium2" -> ("trainium", "2")."""
    return ("".join(c for c in term if c.isalpha()), "".join(c for c in term if c.isdigit()))


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): "tranium" is 1 from "trainium"."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def near_duplicate(term: str, name: str, settings: dict[str, Any]) -> bool:
    """Is `term` another writing of the known `name`? Model numbers must match (Trainium2 is
    not Trainium3); then either a misspelling (letters within `near_duplicate_distance` edits,
    both at least `near_duplicate_min_letters` letters: short names like Trn1/Trn1n are too
    close by nature) or, with `abbreviations`, a one-word truncation of the name keeping its
    number ("inf2" of "Inferentia2", at least 3 letters)."""
    (letters, digits), (name_letters, name_digits) = _split(term), _split(name)
    if digits != name_digits or letters == name_letters:
        return False
    shortest = min(len(letters), len(name_letters))
    if (shortest >= int(settings["near_duplicate_min_letters"])
            and _distance(letters, name_letters) <= int(settings["near_duplicate_distance"])):
        return True
    return (bool(settings["abbreviations"]) and " " not in term.strip() and len(letters) >= 3
            and len(letters) < len(name_letters) and name_letters.startswith(letters))


def first_mentions(store: Store, settings: dict[str, Any],
                   tickers: list[str] | None = None) -> list[Alert]:
    labels = list(settings["labels"])
    ignored = {t.lower() for t in settings["ignore_terms"]}
    where, params = "", []
    if tickers:
        where = f" AND upper(s.ticker) IN ({', '.join('?' for _ in tickers)})"
        params = [t.upper() for t in tickers]
    management = "(s.role IS NULL OR s.role = 'management')"
    data: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for ticker, kind, year, q in store.con.execute(
            f"SELECT DISTINCT s.ticker, s.doc_type, s.fiscal_year, s.fiscal_quarter FROM "
            f"sentences s WHERE {management} AND s.ticker IS NOT NULL AND s.fiscal_year IS NOT "
            f"NULL AND s.fiscal_quarter IS NOT NULL{where}", params).fetchall():
        data[ticker.upper()][kind].add(FiscalQuarter(year, q).index)
    seen, _ = named_terms(store, labels, ignored, tickers)
    need_all, need_kind = int(settings["min_prior_quarters"]), int(
        settings["min_prior_kind_quarters"])
    alerts: list[Alert] = []
    for (ticker, term), hits in seen.items():
        first = hits[0][0]
        if any(other.startswith(term) and seen[(ticker, other)][0][0] < first
               for t, other in seen if t == ticker and other != term):
            continue  # bare "Graviton" after "Graviton2": the name is not new
        if any(near_duplicate(term, other, settings)
               and (seen[(ticker, other)][0][0], -len(seen[(ticker, other)]))
               <= (first, -len(hits))
               for t, other in seen if t == ticker and other != term):
            continue  # "tranium" after "Trainium", "inf2" beside "Inferentia2": no new name
        now = [h for h in hits if h[0] == first]
        kinds = {h[1] for h in now}
        company = data[ticker]
        prior = {i for quarters in company.values() for i in quarters if i < first}
        if len(prior) < need_all:
            continue
        if not any(len({i for i in company.get(k, set()) if i < first}) >= need_kind
                   for k in kinds):
            continue  # only in a kind of source new to the data: everything is "new" there
        later = len({h[0] for h in hits if h[0] > first})
        quarter = FiscalQuarter.from_index(first)
        urls = {}
        for _, _, _, accession in now[:2]:
            if accession and accession not in urls:
                found = store.con.execute("SELECT url FROM filings WHERE accession = ?",
                                          [accession]).fetchone()
                urls[accession] = found[0] if found else None
        where_named = ", ".join(sorted(_DOC_NAMES.get(k, k) for k in kinds))
        alerts.append(Alert(
            kind=KIND, ticker=ticker, quarter=quarter, subject=term,
            severity=min(1.0, 0.3 + 0.1 * min(len(now), 4) + 0.075 * min(later, 4)),
            title=f"First mention of {term} in the {quarter} {where_named}",
            detail=(f"{ticker} names {term} for the first time in our data in {quarter} "
                    f"({len(now)} sentence(s), {where_named}), after {len(prior)} quarters "
                    f"with data; named again in {later} later quarter(s)."),
            evidence=[{"text": text, "source": f"{quarter} {_DOC_NAMES.get(kind, kind)}",
                       "url": urls.get(accession) if accession else None}
                      for _, kind, text, accession in now[:2]],
            numbers={"term": term, "sentences": len(now), "later_quarters": later,
                     "prior_quarters": len(prior), "source_kinds": sorted(kinds)},
        ))
    return alerts
