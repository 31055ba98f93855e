"""went_quiet for named terms on the real shared-data DB, checked against the releases' text.

Amazon's earnings releases name Graviton3 ("Graviton3 processors provide up to 25% better
performance ... than C6g instances powered by AWS Graviton2 processors") in 2021Q4 and 2022Q2,
two of the four releases before 2022Q3; the 2022Q3 release exists (137 management sentences)
and no source of 2022Q3 names any Graviton -> graviton3 went quiet in the 2022Q3 release.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from alerts.settings import load_settings
from alerts.went_quiet import quiet_topics
from claimtracker.db import Store


def _graviton3(alerts: list) -> list:
    return [a for a in alerts if a.ticker == "AMZN" and a.numbers.get("term") == "graviton3"]


def test_a_product_dropped_from_the_next_release_went_quiet(alerted_db: Store) -> None:
    settings = load_settings().section("went_quiet")
    alerts = quiet_topics(alerted_db, settings, tickers=["AMZN"])
    found = [a for a in _graviton3(alerts) if str(a.quarter) == "2022Q3"]
    assert len(found) == 1
    alert = found[0]
    assert alert.numbers["source_kind"] == "earnings_release"
    assert "graviton3" in alert.title and "2022Q3 earnings release" in alert.title
    assert alert.numbers["quarters_with_mentions"] == ["2021Q4", "2022Q2"]
    assert alert.numbers["sentences_now"] >= settings["min_sentences"]
    assert alert.evidence and all(e["source"] == "2022Q2 earnings release"
                                  for e in alert.evidence)
    assert all("graviton3" in e["text"].lower() for e in alert.evidence)
    named_now = alerted_db.con.execute(
        "SELECT count(*) FROM sentences WHERE ticker = 'AMZN' AND fiscal_year = 2022 AND "
        "fiscal_quarter = 3 AND lower(text) LIKE '%graviton%'").fetchone()[0]
    assert named_now == 0
    # Never twice: no term alert where its topic already went quiet in that quarter and kind.
    topics = {(a.quarter, a.numbers["source_kind"], a.numbers["topic"])
              for a in alerts if "topic" in a.numbers}
    for term_alert in (a for a in alerts if "term" in a.numbers):
        assert not any((term_alert.quarter, term_alert.numbers["source_kind"], t) in topics
                       for t in term_alert.numbers["topics"])


def test_a_quarter_without_the_release_is_no_silence(alerted_copy: Path) -> None:
    """Remove the 2022Q3 release: its quarter holds no release, so nothing went quiet there."""
    settings = load_settings().section("went_quiet")
    con = duckdb.connect(str(alerted_copy))
    con.execute("UPDATE sentences SET fiscal_year = NULL, fiscal_quarter = NULL WHERE "
                "ticker = 'AMZN' AND doc_type = 'earnings_release' AND fiscal_year = 2022 "
                "AND fiscal_quarter = 3")
    con.close()
    with Store.open(alerted_copy, read_only=True) as store:
        alerts = quiet_topics(store, settings, tickers=["AMZN"])
        for alert in (a for a in alerts if "term" in a.numbers):
            size = store.con.execute(
                "SELECT count(*) FROM sentences WHERE ticker = ? AND doc_type = ? AND "
                "fiscal_year = ? AND fiscal_quarter = ?",
                [alert.ticker, alert.numbers["source_kind"], alert.quarter.year,
                 alert.quarter.quarter]).fetchone()[0]
            assert size >= settings["min_sentences"]
    assert not [a for a in _graviton3(alerts) if str(a.quarter) == "2022Q3"]
