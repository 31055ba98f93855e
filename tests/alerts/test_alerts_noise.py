"""Less noise: verdict flips must persist (and skip `mixed` by default); first mentions skip
ignored terms and other writings of a name already seen ("tranium", "inf2").

Real data: the seed claim robots-fixed-cost is scored near the line and alternates between
supported, mixed and contradicted quarter by quarter; Amazon's Q3 2025 call writes "Tranium"
(a transcription slip for Trainium, named since the Q4 2020 release) and the Q4 2022 release
says "Inf2" beside "Inferentia2".
"""

from __future__ import annotations

import itertools

from alerts.first_mention import first_mentions, near_duplicate
from alerts.settings import load_settings
from alerts.verdict_flip import verdict_flips
from claimtracker.db import Store


def _flips(store: Store, **overrides: object) -> list:
    settings = {**load_settings().section("verdict_flip"), **overrides}
    return [a for a in verdict_flips(store, settings, ["AMZN"])
            if a.subject.endswith("/robots-fixed-cost")]


def test_persistence_and_mixed_cut_robots_fixed_cost_flips(alerted_db: Store) -> None:
    every = _flips(alerted_db, persist_quarters=1, include_mixed=True)
    default = _flips(alerted_db)
    assert len(every) >= 10  # the noise the issue measured
    assert 0 < len(default) <= len(every) // 2
    # Without mixed, flips alternate strictly between the two sides, each from the last.
    sides_only = _flips(alerted_db, include_mixed=False)
    sides = [(a.numbers["from"], a.numbers["to"]) for a in sides_only]
    assert all({f, t} == {"supported", "contradicted"} for f, t in sides)
    assert all(prev[1] == cur[0] for prev, cur in itertools.pairwise(sides))
    # The 2025Q2 turn to supported held through 2025Q3: still raised, dated when it began.
    latest = sides_only[-1]
    assert (str(latest.quarter), latest.numbers["to"]) == ("2025Q2", "supported")
    assert latest.numbers["confirmed_quarter"] != "2025Q2"
    # More persistence, fewer flips. (Leaving mixed out is not necessarily fewer: persistence
    # is then counted on another sequence of verdicts; with this session's stance rules the
    # seed ledger gives 7 flips without mixed against 5 with it.)
    assert len(_flips(alerted_db, persist_quarters=3)) <= len(default)


def test_near_duplicates_are_not_first_mentions(alerted_db: Store) -> None:
    settings = load_settings().section("first_mention")
    terms = {a.subject for a in first_mentions(alerted_db, settings, ["AMZN"])}
    assert {"trainium", "inferentia2", "trainium3", "trn1", "trn1n"} <= terms
    assert not terms & {"tranium", "inf2"}
    loose = {**settings, "near_duplicate_distance": 1, "near_duplicate_min_letters": 99,
             "abbreviations": False}
    assert {"tranium", "inf2"} <= {a.subject for a in first_mentions(alerted_db, loose,
                                                                     ["AMZN"])}


def test_ignore_terms(alerted_db: Store) -> None:
    settings = {**load_settings().section("first_mention"), "ignore_terms": ["proteus"]}
    terms = {a.subject for a in first_mentions(alerted_db, settings, ["AMZN"])}
    assert "proteus" not in terms and "sparrow" in terms


def test_near_duplicate_rule() -> None:
    settings = load_settings().section("first_mention")
    assert near_duplicate("tranium", "trainium", settings)
    assert near_duplicate("inf2", "inferentia2", settings)
    assert not near_duplicate("trainium3", "trainium2", settings)  # model numbers differ
    assert not near_duplicate("trn1n", "trn1", settings)  # short names: too close by nature
    assert not near_duplicate("inferentia2", "inf2", settings)  # the full name is not short
    assert not near_duplicate("sparrow", "sequoia", settings)
