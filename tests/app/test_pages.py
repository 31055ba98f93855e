"""Search, Topics, Data and Articles pages (and empty, missing, locked DBs) rendered by
Streamlit's AppTest over the DB built from ../shared (Claims and Metrics: test_pages_claims).

The numbers a page shows are compared with direct SQL on the same DB (not with the app's
own read model), so a wrong join or filter in pipeline.views shows up here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pages_util import APP, frame_with, render, sql, texts
from streamlit.testing.v1 import AppTest

from claimtracker.db import Store
from nlp.provenance import MANAGEMENT_SQL as MANAGEMENT

pytestmark = pytest.mark.slow

# -- Search --------------------------------------------------------------------------------------
def test_search_page_hits_match_the_library(monkeypatch, app_enriched_db) -> None:
    from nlp.search import search

    query = "demand for our custom AI chips"
    at = render(monkeypatch, app_enriched_db, "search", query=query, ticker="AMZN",
                role="management")
    assert at.text_input[0].value == query
    with Store.open(app_enriched_db, read_only=True) as store:
        hits = search(store, query, ticker="AMZN", role="management", k=20)
    assert [s.value for s in at.subheader] == [f"{len(hits)} hits"]
    shown = [m for m in texts(at, "markdown") if re.match(r"\*\*\d+\.\*\*", m)]
    assert len(shown) == len(hits)
    plain = [re.sub(r":orange-background\[\*\*(.*?)\*\*\]", r"\1", m) for m in shown]
    plain = [re.sub(r"\\(.)", r"\1", m) for m in plain]
    for rank, (line, hit) in enumerate(zip(plain, hits, strict=True), start=1):
        assert line == f"**{rank}.** " + " ".join(hit["text"].split())
    assert ":orange-background[**" in shown[0]  # query words highlighted
    assert not any("(analyst)" in c for c in texts(at, "caption"))
    assert any("fully subscribed" in line for line in plain)


# -- Topics --------------------------------------------------------------------------------------
def test_topics_page_first_last_and_counts(monkeypatch, app_enriched_db) -> None:
    at = render(monkeypatch, app_enriched_db, "topics", ticker="AMZN")
    summary = frame_with(at, "topic", "first", "last").set_index("topic")
    rows = sql(
        app_enriched_db,
        f"SELECT m.topic, min(s.fiscal_year * 10 + s.fiscal_quarter), "
        f"max(s.fiscal_year * 10 + s.fiscal_quarter), count(DISTINCT m.sentence_id), "
        f"count(DISTINCT s.fiscal_year * 10 + s.fiscal_quarter) "
        f"FROM mentions m JOIN sentences s USING (sentence_id) WHERE s.ticker = 'AMZN' "
        f"AND s.fiscal_quarter IS NOT NULL AND {MANAGEMENT} GROUP BY m.topic")
    assert {"trainium", "robotics", "capex"} <= {r[0] for r in rows}
    assert set(summary.index) == {r[0] for r in rows}
    for topic, first, last, n_sentences, n_quarters in rows:
        assert summary.loc[topic, "first"] == f"{first // 10}Q{first % 10}"
        assert summary.loc[topic, "last"] == f"{last // 10}Q{last % 10}"
        assert summary.loc[topic, "sentences"] == n_sentences
        assert summary.loc[topic, "quarters mentioned"] == n_quarters
    (n_mgmt,) = sql(app_enriched_db,
                    f"SELECT count(*) FROM sentences s WHERE s.ticker = 'AMZN' "
                    f"AND s.fiscal_quarter IS NOT NULL AND {MANAGEMENT}")[0]
    assert f"{n_mgmt:,} management sentences" in at.caption[0].value


# -- Data ----------------------------------------------------------------------------------------
def test_data_page_counts_what_the_db_holds(monkeypatch, shared_db_path) -> None:
    at = render(monkeypatch, shared_db_path, "data")
    metrics = {m.label: m.value for m in at.metric}
    ((filings, calls),) = sql(shared_db_path,
                              "SELECT (SELECT count(*) FROM filings), (SELECT count(*) FROM calls)")
    assert metrics["filings"] == f"{filings:,}" and metrics["calls"] == f"{calls:,}"
    coverage = frame_with(at, "ticker", "quarter", "calls")
    assert int(coverage["calls"].sum()) == calls
    forms = dict(sql(shared_db_path, "SELECT form, count(*) FROM filings GROUP BY form"))
    for form in ("10-K", "10-Q", "8-K"):
        assert int(coverage[form].sum()) == forms.get(form, 0)
    runs = frame_with(at, "run", "kind", "status")
    n_runs = sql(shared_db_path, "SELECT count(*) FROM runs")[0][0]
    assert len(runs) == min(n_runs, 20) and n_runs >= 2  # ingest + transcripts
    failed = frame_with(at, "accession", "status", "error")
    assert len(failed) == sql(shared_db_path,
                              "SELECT count(*) FROM filings WHERE status <> 'ok'")[0][0]


def test_data_page_update_button_or_command(monkeypatch, shared_db_path, tmp_path) -> None:
    at = render(monkeypatch, shared_db_path, "data")
    # (besides the downloads' "Prepare the file", which only reads)
    assert [b.label for b in at.button if b.key != "export_prepare"] == ["Run update now"]
    (command,) = [c.value for c in at.code]
    assert f"update --db {shared_db_path} --no-fetch --from-dir ../shared/edgar" in command
    monkeypatch.setenv("CLAIMTRACKER_APP_READONLY", "1")
    at = render(monkeypatch, shared_db_path, "data")
    assert [b.key for b in at.button] == ["export_prepare"]  # downloads stay: they only read
    assert any("read-only viewer" in i.value for i in at.info)
    assert [c.value for c in at.code] == [command]


def _small_update_inputs(edgar_dir: Path, pinned: Path, root: Path) -> tuple[Path, Path]:
    """One Amazon 8-K (sec-edgar-downloader layout) and one pinned call, as symlink folders."""
    accession = Path("sec-edgar-filings/AMZN/8-K/0001018724-23-000006")
    filing = root / "edgar" / accession
    filing.mkdir(parents=True)
    for f in (edgar_dir / accession).iterdir():
        (filing / f.name).symlink_to(f)
    calls = root / "transcripts" / "AMZN"
    calls.mkdir(parents=True)
    for part in ("presentation", "qna"):
        name = f"AMZN_3Q25_{part}.txt"
        (calls / name).symlink_to(pinned / "AMZN" / name)
    return root / "edgar", root / "transcripts"


def test_update_button_runs_the_update_with_progress(monkeypatch, edgar_dir, pinned_transcripts,
                                                     tmp_path) -> None:
    """The button runs `claimtracker update` over small pinned folders (never the whole,
    growing ../shared): a DB built from them finds nothing new, but is enriched and scored."""
    from ingest.filings.local import ingest_dir
    from ingest.transcripts import ingest_transcripts

    edgar, transcripts = _small_update_inputs(edgar_dir, pinned_transcripts, tmp_path)
    db = tmp_path / "update.duckdb"
    with Store.open(db) as store:
        ingest_dir(store, edgar, progress=False)
        ingest_transcripts(store, [transcripts], progress=False)
    runs_before = sql(db, "SELECT count(*) FROM runs")[0][0]
    filings_before = sql(db, "SELECT accession FROM filings ORDER BY 1")
    calls_before = sql(db, "SELECT call_id, ticker, cik FROM calls ORDER BY call_id")
    assert len(filings_before) == len(calls_before) == 1
    at = render(monkeypatch, db, "data", timeout=900)
    for label, folder in (("EDGAR folder", edgar), ("Transcripts folder", transcripts)):
        next(t for t in at.text_input if t.label == label).set_value(str(folder))
    at.run()
    (command,) = [c.value for c in at.code]
    assert f"--from-dir {edgar} --transcripts {transcripts} --progress" in command
    next(b for b in at.button if b.label == "Run update now").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.value for p in at.get("progress")] == [100]
    (summary,) = [s.value for s in at.success]
    assert summary.startswith("update ok"), summary
    # Nothing new and no duplicate; the call's and the release's sentences were enriched.
    assert sql(db, "SELECT accession FROM filings ORDER BY 1") == filings_before
    assert sql(db, "SELECT call_id, ticker, cik FROM calls ORDER BY call_id") == calls_before
    doc_types = {t for (t,) in sql(db, "SELECT DISTINCT doc_type FROM sentences")}
    assert {"transcript", "earnings_release"} <= doc_types
    runs = sql(db, "SELECT kind, status FROM runs WHERE run_id > ? ORDER BY run_id",
               [runs_before])
    assert ("update", "ok") in runs and ("enrich", "ok") in runs and ("score", "ok") in runs


# -- Articles ------------------------------------------------------------------------------------
def test_articles_page_proposes_claims_and_saves_a_ledger(monkeypatch, shared_dir, tmp_path,
                                                          shared_db_path) -> None:
    import app_pages.ledger_actions as ledger_actions
    from claims.ledger import load_ledger

    monkeypatch.setattr(ledger_actions, "LEDGER_DIR", tmp_path)
    article = (shared_dir / "articles" / "amazon-next-cycle.ko.txt").read_text(encoding="utf-8")
    at = render(monkeypatch, shared_db_path, "articles", timeout=300)
    at.text_area[0].input(article).run()
    next(t for t in at.text_input if t.label.startswith("Article id")).input("test-article").run()
    next(b for b in at.button if b.label == "Propose claims").click().run()
    assert not at.exception, [e.value for e in at.exception]
    proposed = at.data_editor[0].value
    assert len(proposed) >= 5
    assert proposed["quote"].str.contains("[\uac00-\ud7a3]").any()  # Korean quotes kept
    assert set(proposed["kind"]) <= {"narrative", "metric", "both"}
    assert set(proposed["ticker"]) >= {"AMZN"} and proposed["ticker"].notna().all()
    assert not [w.value for w in at.warning]  # drafts score as they are: nothing to fill in
    next(b for b in at.button if b.label == "Save to ledger").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = tmp_path / "test-article.yaml"
    assert saved.exists(), [e.value for e in at.error]
    ledger = load_ledger(saved)
    assert [c.claim_id for c in ledger.claims] == list(proposed["id"])
    assert ledger.article.language == "ko" and ledger.article.ticker == "AMZN"
    assert {c.ticker for c in ledger.claims} >= {"AMZN"}


def test_articles_page_asks_which_company_when_the_text_does_not_say(
        monkeypatch, shared_db_path, tmp_path) -> None:
    import app_pages.ledger_actions as ledger_actions

    monkeypatch.setattr(ledger_actions, "LEDGER_DIR", tmp_path)
    at = render(monkeypatch, shared_db_path, "articles", timeout=300)
    at.text_area[0].input("Revenue will grow 20% next year as new capacity comes online.").run()
    next(b for b in at.button if b.label == "Propose claims").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (question,) = [w.value for w in at.warning]
    assert question.startswith("Which company?") and "Revenue will grow 20" in question
    companies = next(t for t in at.text_input if t.label.startswith("Companies"))
    companies.input("MSFT").run()
    next(b for b in at.button if b.label == "Propose claims").click().run()
    proposed = at.data_editor[0].value
    assert list(proposed["ticker"]) == ["MSFT"]


def test_articles_page_in_read_only_mode_offers_the_command(monkeypatch, shared_db_path) -> None:
    monkeypatch.setenv("CLAIMTRACKER_APP_READONLY", "1")
    at = render(monkeypatch, shared_db_path, "articles")
    assert [b.label for b in at.button] == ["Propose claims"]
    at.button[0].click().run()  # nothing pasted yet
    assert [w.value for w in at.warning] == ["Paste an article or upload a file first."]
    at.text_area[0].input("Amazon will cut 14,000 manager roles by 2026, Jassy said.").run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button if b.label != "Propose claims"] == []  # no save here
    assert any("read-only viewer" in i.value for i in at.info)
    assert any(c.value.startswith("claimtracker score --claims") for c in at.code)


# -- empty, missing and locked DBs ---------------------------------------------------------------
PAGES = ["claims", "search", "topics", "metrics", "data"]


@pytest.mark.parametrize("page", PAGES)
def test_empty_and_missing_db_show_how_to_load(monkeypatch, tmp_path, page) -> None:
    empty = tmp_path / "empty.duckdb"
    Store.open(empty).close()
    for db in (tmp_path / "missing.duckdb", empty):
        at = render(monkeypatch, db, page, timeout=30)
        assert any("claimtracker ingest --from-dir" in m for m in texts(at, "markdown")), db
        assert any(re.search(r"No database|has no", i) for i in texts(at, "info")), db


def test_locked_db_shows_retry_then_recovers(monkeypatch, shared_db_path, tmp_path) -> None:
    db = tmp_path / "locked.duckdb"
    shutil.copy(shared_db_path, db)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from claimtracker.db import Store; s = Store.open(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(120)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        at = render(monkeypatch, db, "data", timeout=30)
        assert any("database is busy" in w for w in texts(at, "warning"))
        assert [b.label for b in at.button] == ["Retry"]
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
    at.button[0].click().run()
    assert not at.exception
    assert not at.warning
    assert at.title[0].value == "Data" and at.metric


def test_locked_db_serves_the_data_last_read_with_a_notice(monkeypatch, shared_db_path,
                                                          tmp_path) -> None:
    db = tmp_path / "busy.duckdb"
    shutil.copy(shared_db_path, db)
    at = render(monkeypatch, db, "data", timeout=30)
    before = {m.label: m.value for m in at.metric}
    holder = subprocess.Popen(  # an ingest that has written something and still holds the lock
        [sys.executable, "-c",
         "import sys, time; from claimtracker.db import Store; s = Store.open(sys.argv[1]); "
         "s.con.execute(\"INSERT INTO runs (kind) VALUES ('ingest-dir')\"); "
         "print('locked', flush=True); time.sleep(120)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        at.run()
        assert not at.exception
        assert any("shows the data as last read" in w.value for w in at.warning)
        assert {m.label: m.value for m in at.metric} == before
        assert "Retry" in [b.label for b in at.button]
    finally:
        holder.kill()
        holder.wait()


def test_shared_url_opens_the_page_with_its_state(monkeypatch, app_enriched_db) -> None:
    monkeypatch.setenv("CLAIMTRACKER_DB", str(app_enriched_db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "search"
    at.query_params["query"] = "Trainium2"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Search"
    assert at.text_input[0].value == "Trainium2"
