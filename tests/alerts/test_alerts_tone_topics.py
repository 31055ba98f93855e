"""tone_shift per topic on the real shared-data DB, checked against the transcript text.

Amazon's 2020-Apr-30 call (2020Q1, ../shared/transcripts/AMZN/2020-Apr-30-AMZN.txt) is the
first of the pandemic; its demand sentences read "This large demand spike created major
challenges in our operations network", "we saw lower demand for discretionary items", "We
took steps to dampen demand for nonessential products", against a few plain mentions of
demand in the 2018-2019 calls -> negative language up on topic `demand` in 2020Q1.
"""

from __future__ import annotations

from alerts.model import read_alerts
from alerts.settings import load_settings
from alerts.tone_shift import tone_shifts
from claimtracker.db import Store


def _topic_alerts(store: Store) -> dict[tuple[str, str], dict]:
    return {(a["quarter"], a["subject"]): a
            for a in read_alerts(store, tickers=["AMZN"], kinds=["tone_shift"])
            if "topic" in a["numbers"]}


def test_negative_demand_language_in_the_first_covid_call(alerted_db: Store) -> None:
    settings = load_settings().section("tone_shift")
    alert = _topic_alerts(alerted_db)[("2020Q1", "negative@topic demand")]
    numbers = alert["numbers"]
    assert numbers["topic"] == "demand" and "`demand`" in alert["title"]
    assert numbers["z"] >= settings["z_threshold"]
    assert numbers["share_pct"] > numbers["trailing_mean_pct"]
    assert numbers["history"] >= settings["min_history"]
    assert numbers["tokens"] >= settings["topic_min_tokens"]
    # Evidence: that call's demand sentences, the most negative first.
    assert alert["evidence"]
    assert all(e["url"].endswith("2020-Apr-30-AMZN.txt") for e in alert["evidence"])
    assert "demand" in alert["evidence"][0]["text"].lower()


def test_every_topic_alert_has_enough_words(alerted_db: Store) -> None:
    minimum = load_settings().section("tone_shift")["topic_min_tokens"]
    found = _topic_alerts(alerted_db)
    assert found
    assert all(a["numbers"]["tokens"] >= minimum for a in found.values())


def test_topic_under_the_word_minimum_never_alerts(alerted_db: Store) -> None:
    """Raise the minimum just past the 2020Q1 demand sentences' words: that topic-call (and
    every smaller one) is skipped, while the call- and section-level alerts stay."""
    settings = dict(load_settings().section("tone_shift"))
    before = tone_shifts(alerted_db, settings, ["AMZN"])
    demand = [a for a in before if a.subject == "negative@topic demand"
              and str(a.quarter) == "2020Q1"]
    assert demand
    settings["topic_min_tokens"] = demand[0].numbers["tokens"] + 1
    after = tone_shifts(alerted_db, settings, ["AMZN"])
    assert not [a for a in after if "topic" in a.numbers
                and a.numbers["tokens"] < settings["topic_min_tokens"]]
    assert not [a for a in after if a.subject == "negative@topic demand"
                and str(a.quarter) == "2020Q1"]
    assert {a.subject for a in after if "topic" not in a.numbers} == \
        {a.subject for a in before if "topic" not in a.numbers}
