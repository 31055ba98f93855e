"""`update` raises alerts incrementally: a company is recomputed only when its inputs changed."""

from __future__ import annotations

from alerts.engine import raise_alerts
from alerts.inputs import input_digests
from alerts.settings import load_settings
from claimtracker.db import Store


def test_rerun_computes_no_company_and_full_rerun_adds_nothing(alerted_run, alerted_copy) -> None:
    first = alerted_run[1]
    assert first.companies and first.new > 0
    with Store.open(alerted_copy) as store:
        again = raise_alerts(store)
        assert again.companies == [] and again.skipped == len(first.companies)
        everything = raise_alerts(store, everything=True)
        (n,) = store.con.execute("SELECT count(*) FROM alerts").fetchone()
    # Recomputing the whole history finds exactly what is stored: the ids are deterministic.
    assert everything.companies == first.companies and everything.kept > 0
    assert everything.new == 0 and n == first.new


def test_a_changed_verdict_recomputes_only_its_company(alerted_run, alerted_copy) -> None:
    with Store.open(alerted_copy) as store:
        tickers = [t for (t,) in store.con.execute(
            "SELECT DISTINCT upper(ticker) FROM claim_scores ORDER BY 1").fetchall()]
        assert tickers
        ticker = tickers[0]
        # A later scoring run changed one verdict of this company (as a new ledger would).
        key = store.con.execute(
            "SELECT article_id, claim_id, ticker, fiscal_year, fiscal_quarter, verdict "
            "FROM claim_scores WHERE upper(ticker) = ? ORDER BY fiscal_year DESC, "
            "fiscal_quarter DESC, claim_id LIMIT 1", [ticker]).fetchone()
        flipped = "contradicted" if key[5] == "supported" else "supported"
        store.con.execute(
            "UPDATE claim_scores SET verdict = ? WHERE article_id = ? AND claim_id = ? "
            "AND ticker = ? AND fiscal_year = ? AND fiscal_quarter = ?", [flipped, *key[:5]])
        run = raise_alerts(store)
    assert run.companies == [ticker]
    assert run.skipped == len(alerted_run[1].companies) - 1


def test_other_settings_recompute_every_company(alerted_run, alerted_copy) -> None:
    settings = load_settings()
    sections = {**settings.sections, "cap": {"per_company_quarter": settings.cap + 1}}
    changed = type(settings)(sections=sections, file=settings.file)
    with Store.open(alerted_copy) as store:
        assert input_digests(store, changed) != input_digests(store, settings)
        run = raise_alerts(store, settings=changed)
    assert run.companies == alerted_run[1].companies
