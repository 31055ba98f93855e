"""Each alert kind on the real shared-data DB (seed ledger scored), checked against the text.

Expected alerts were verified by reading ../shared:
- Amazon's Q1 2022 release: "Net loss was $3.8 billion in the first quarter" after Q4 2021 net
  income of $14.3 billion -> metric_surprise `net_income:sign` in 2022Q1.
- Amazon's earnings releases name Inferentia in Q4 2022 and Q1-Q3 2023
  (sec-edgar-filings/AMZN/8-K/0001018724-23-000002, -000006, -000010, -000016) and not in
  the Q4 2023 release (0001018724-24-000006, which still names Trainium) -> went_quiet
  `inferentia@earnings_release` in 2023Q4.
- The seed claim robots-fixed-cost: the FY2024 10-K's Item 7 says cost of sales rose on
  "increased product and shipping costs"; the Q2 2025 call says "Automation and robotics are
  also important contributors to improving cost efficiencies" -> a verdict flip in 2025Q2.
"""

from __future__ import annotations

from alerts.model import read_alerts
from alerts.settings import load_settings
from claimtracker.db import Store


def _by_subject(store: Store, kind: str, ticker: str = "AMZN") -> dict[tuple[str, str], dict]:
    return {(a["quarter"], a["subject"]): a
            for a in read_alerts(store, tickers=[ticker], kinds=[kind])}


def test_metric_surprise_net_loss_in_2022q1(alerted_db: Store) -> None:
    found = _by_subject(alerted_db, "metric_surprise")
    alert = found[("2022Q1", "net_income:sign")]
    assert alert["numbers"]["value"] < 0 < alert["numbers"]["compared_with"]
    assert round(alert["numbers"]["value"] / 1e9, 1) == -3.8
    assert "turned negative" in alert["title"]
    assert alert["evidence"][0]["url"].startswith("https://www.sec.gov/")
    # A surprise is measured against the company's own trailing changes: each one carries z.
    for a in found.values():
        if a["numbers"]["basis"] != "sign":
            assert abs(a["numbers"]["z"]) >= load_settings().section(
                "metric_surprise")["z_threshold"]


def test_went_quiet_inferentia_in_2023q4_release(alerted_db: Store) -> None:
    found = _by_subject(alerted_db, "went_quiet")
    alert = found[("2023Q4", "inferentia@earnings_release")]
    assert alert["numbers"]["quarters_with_mentions"] == ["2022Q4", "2023Q1", "2023Q2",
                                                          "2023Q3"]
    assert "Inferentia" in alert["evidence"][0]["text"]
    # Trainium is still named in the Q4 2023 release: it did not go quiet there.
    assert ("2023Q4", "trainium@earnings_release") not in found


def test_no_data_is_not_silence(alerted_db: Store) -> None:
    """No went_quiet in a quarter whose source kind holds too few management sentences (AMZN
    2024Q2 and 2025Q1 have no filing and no call in ../shared)."""
    settings = load_settings().section("went_quiet")
    alerts = read_alerts(alerted_db, kinds=["went_quiet"])
    assert alerts
    for a in alerts:
        year, quarter = int(a["quarter"][:4]), int(a["quarter"][-1])
        (n,) = alerted_db.con.execute(
            "SELECT count(*) FROM sentences WHERE ticker = ? AND doc_type = ? AND fiscal_year = ? "
            "AND fiscal_quarter = ? AND (role IS NULL OR role = 'management')",
            [a["ticker"], a["numbers"]["source_kind"], year, quarter]).fetchone()
        assert n >= settings["min_sentences"], a["title"]
    assert not [a for a in alerts if a["ticker"] == "AMZN"
                and a["quarter"] in ("2024Q2", "2025Q1")]


def test_removing_a_quarters_data_removes_its_quiet_alerts(alerted_copy) -> None:
    """Delete the Q4 2023 release's sentences: that quarter is no longer silent, just empty."""
    from alerts.went_quiet import quiet_topics

    with Store.open(alerted_copy) as store:
        store.con.execute("DELETE FROM sentences WHERE ticker = 'AMZN' AND fiscal_year = 2023 "
                          "AND fiscal_quarter = 4 AND doc_type = 'earnings_release'")
        alerts = quiet_topics(store, load_settings().section("went_quiet"), ["AMZN"])
    assert not [a for a in alerts if str(a.quarter) == "2023Q4"
                and a.subject.endswith("@earnings_release")]


def test_verdict_flip_robots_fixed_cost(alerted_db: Store) -> None:
    found = _by_subject(alerted_db, "verdict_flip")
    alert = found[("2025Q2", "amazon-next-cycle/robots-fixed-cost")]
    assert alert["numbers"]["to"] == "supported"
    assert alert["numbers"]["from"] in ("contradicted", "mixed")
    texts = " ".join(e["text"] for e in alert["evidence"])
    assert "Automation and robotics" in texts
    sources = {e["source"].split()[0] for e in alert["evidence"]}
    assert {"2025Q2", alert["numbers"]["from_quarter"]} <= sources  # both quarters' evidence


def test_every_flip_matches_the_stored_verdicts(alerted_db: Store) -> None:
    """Each flip compares the claim's settled verdict with a new one that then held
    `persist_quarters` consecutive quarters taking a side (mixed skipped unless included)."""
    settings = load_settings().section("verdict_flip")
    sides = ["supported", "contradicted"] + (["mixed"] if settings["include_mixed"] else [])
    flips = read_alerts(alerted_db, kinds=["verdict_flip"])
    assert flips
    for a in flips:
        article, claim = a["subject"].split("/", 1)
        rows = alerted_db.con.execute(
            "SELECT fiscal_year || 'Q' || fiscal_quarter, verdict FROM claim_scores "
            "WHERE article_id = ? AND claim_id = ? AND ticker = ? AND list_contains(?, verdict) "
            "ORDER BY fiscal_year, fiscal_quarter", [article, claim, a["ticker"], sides]).fetchall()
        quarters = [q for q, _ in rows]
        start, end = quarters.index(a["quarter"]), quarters.index(
            a["numbers"]["confirmed_quarter"])
        assert rows[quarters.index(a["numbers"]["from_quarter"])][1] == a["numbers"]["from"]
        assert end - start + 1 == settings["persist_quarters"]
        assert {v for _, v in rows[start:end + 1]} == {a["numbers"]["to"]}
        assert a["numbers"]["to"] != a["numbers"]["from"]


def test_cap_per_company_quarter(alerted_db: Store) -> None:
    cap = load_settings().cap
    rows = alerted_db.con.execute(
        "SELECT ticker, fiscal_year, fiscal_quarter, count(*) FROM alerts GROUP BY ALL"
    ).fetchall()
    assert rows and max(r[3] for r in rows) <= cap


def test_rerun_adds_nothing(alerted_run, alerted_copy) -> None:
    from alerts.engine import raise_alerts

    assert alerted_run[1].new > 0
    with Store.open(alerted_copy) as store:
        again = raise_alerts(store)
        (n,) = store.con.execute("SELECT count(*) FROM alerts").fetchone()
    assert again.new == 0
    assert n == alerted_run[1].new


def test_language_change_10k_item_9b(alerted_db: Store) -> None:
    """FY2024 10-K Item 9B (Other Information) lists new Rule 10b5-1 plans (Andrew Jassy,
    Shelley Reynolds) where FY2023's listed Jeffrey Bezos' (amzn-20241231.htm against
    amzn-20231231.htm in ../shared/edgar/mirror): the one 10-K Item Amazon rewrote."""
    found = _by_subject(alerted_db, "language_change")
    alert = found[("2024Q4", "10-K Item 9B")]
    assert alert["numbers"]["compared_with"] == "2023Q4"
    added = " ".join(e["text"] for e in alert["evidence"] if "(added)" in e["source"])
    removed = " ".join(e["text"] for e in alert["evidence"] if "(removed)" in e["source"])
    assert "Andrew Jassy" in added and "Jeffrey Bezos" in removed
    flagged_10k = [s for (q, s) in found if s.startswith("10-K")]
    assert flagged_10k == ["10-K Item 9B"]  # Risk Factors, MD&A...: copied, not flagged


def test_language_change_similarity_figures(alerted_db: Store) -> None:
    """Raw-frequency cosine barely moves on long Items; Jaccard and kept sentences do."""
    from alerts.language_change import comparable_pairs

    pairs = {text.subject: sim for old, text, sim in comparable_pairs(alerted_db, 100, ["AMZN"])
             if text.subject.startswith("10-K")}
    assert {"10-K Item 1A", "10-K Item 7", "10-K Item 9B"} <= set(pairs)
    assert pairs["10-K Item 1A"]["cosine"] > 0.99 and pairs["10-K Item 7"]["cosine"] > 0.99
    assert pairs["10-K Item 9B"]["jaccard"] < pairs["10-K Item 7"]["jaccard"]
    assert 0 < pairs["10-K Item 7"]["sentences_kept"] < 1


def test_tone_shift_uncertainty_in_the_first_covid_call(alerted_db: Store) -> None:
    """Amazon's 2020-Apr-30 call (2020Q1) is the first of the pandemic: "uncertain" 4 times
    and COVID 17 times in ../shared/transcripts/AMZN/2020-Apr-30-AMZN.txt, against 1-2
    and none in the 2019 calls -> uncertainty (Loughran-McDonald) up against its trailing
    calls."""
    found = _by_subject(alerted_db, "tone_shift")
    alert = found[("2020Q1", "uncertainty@management remarks")]
    assert alert["numbers"]["z"] >= load_settings().section("tone_shift")["z_threshold"]
    assert alert["numbers"]["share_pct"] > alert["numbers"]["trailing_mean_pct"]
    assert alert["evidence"] and all(e["url"].endswith("2020-Apr-30-AMZN.txt")
                                     for e in alert["evidence"])
    assert not [k for k in found if k[0] == "2019Q4" and k[1].startswith("uncertainty")]


def test_first_mention_trainium(alerted_db: Store) -> None:
    """Trainium is first named in Amazon's Q4 2020 release (sec-edgar-filings/AMZN/8-K/
    0001018724-21-000002: "AWS announced AWS Trainium, an AWS-designed machine learning
    training chip"), in none of the earlier releases nor the 2016-2020 calls."""
    found = _by_subject(alerted_db, "first_mention")
    alert = found[("2020Q4", "trainium")]
    assert "Trainium" in alert["evidence"][0]["text"]
    assert alert["numbers"]["later_quarters"] >= 4  # salience: named again and again
    terms = {s for _, s in found}
    assert {"proteus", "sparrow", "trainium2"} <= terms
    # The first release in the data (2020Q2) names everything for the first time: guarded.
    assert not [k for k in found if k[0] == "2020Q2"]
    # Topic words are not names.
    assert not terms & {"robotics", "robots", "automation", "custom silicon"}


def test_alert_counts_by_claim(alerted_db: Store) -> None:
    from alerts.model import alert_counts_by_claim

    counts = alert_counts_by_claim(alerted_db, "amazon-next-cycle")
    flips = read_alerts(alerted_db, kinds=["verdict_flip"])
    assert counts and sum(counts.values()) == len(
        [a for a in flips if a["subject"].startswith("amazon-next-cycle/")])
    assert alert_counts_by_claim(alerted_db, "amazon%") == {}
