"""`claimtracker alerts` (four formats, filters, --new) and `update` raising alerts once."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from claimtracker.db import Store
from pipeline.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["alerts", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_json_objects_have_the_issue_fields(alerted_copy: Path) -> None:
    alerts = json.loads(_run("--db", str(alerted_copy), "--ticker", "AMZN", "--format", "json"))
    assert alerts
    for a in alerts:
        assert set(a) == {"alert_id", "kind", "ticker", "quarter", "severity", "title", "detail",
                          "evidence", "numbers", "raised_at"}
        assert 0 <= a["severity"] <= 1 and a["ticker"] == "AMZN"
        assert all({"text", "source", "url"} <= set(e) for e in a["evidence"])
    quarters = [a["quarter"] for a in alerts]
    assert quarters == sorted(quarters, reverse=True)  # newest first


def test_filters(alerted_copy: Path) -> None:
    db = ["--db", str(alerted_copy), "--format", "json"]
    quiet = json.loads(_run(*db, "--kind", "went_quiet", "--since", "2023Q1"))
    assert quiet and {a["kind"] for a in quiet} == {"went_quiet"}
    assert min(a["quarter"] for a in quiet) >= "2023Q1"
    result = CliRunner().invoke(main, ["alerts", *db, "--kind", "tone"])
    assert result.exit_code == 2 and "unknown alert kind" in result.output
    result = CliRunner().invoke(main, ["alerts", *db, "--ticker", "AMZM"])
    assert result.exit_code == 2 and "AMZN" in result.output


def test_atom_feed_is_valid(alerted_copy: Path) -> None:
    """RFC 4287: feed id, title, updated; every entry id, title, updated; ids unique."""
    text = _run("--db", str(alerted_copy), "--ticker", "AMZN", "--format", "atom")
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{tag}") or "").strip(), tag
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(json.loads(_run("--db", str(alerted_copy), "--ticker", "AMZN",
                                               "--format", "json")))
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), tag
        assert entry.findtext(f"{ATOM}updated").endswith("Z")
        # 4.1.2: content, or else a rel=alternate link
        assert entry.find(f"{ATOM}content") is not None or any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link"))


def test_markdown_and_table(alerted_copy: Path) -> None:
    md = _run("--db", str(alerted_copy), "--ticker", "AMZN", "--format", "md")
    assert md.startswith("# Alerts") and "## AMZN 2023Q4" in md
    table = _run("--db", str(alerted_copy), "--ticker", "AMZN", "--since", "2025Q1")
    assert table.splitlines()[0].startswith("quarter") and "alert(s)" in table


def test_update_raises_alerts_once(scored_run, tmp_path: Path, monkeypatch) -> None:
    """update counts new alerts in its summary; a second update adds none; --new follows."""
    from claimtracker import config
    from pipeline.update import run_update

    monkeypatch.setattr(config, "DEFAULT_TRANSCRIPTS_DIR", tmp_path / "no-transcripts")
    db = tmp_path / "u.duckdb"
    shutil.copy(scored_run[0], db)
    with Store.open(db) as store:
        first = run_update(store, fetch=False, skip_enrich=True, skip_score=True,
                           log_file=tmp_path / "u.log")
    step = next(s for s in first.steps if s.name == "alerts")
    assert step.ok and first.exit_code == 0
    raised = step.detail["counts"]["new alerts"]
    assert raised > 0 and f"alerts: {raised} new alerts" in first.render()
    new = json.loads(_run("--db", str(db), "--new", "--format", "json"))
    assert len(new) == raised
    with Store.open(db) as store:
        second = run_update(store, fetch=False, skip_enrich=True, skip_score=True,
                            log_file=tmp_path / "u.log")
        (total,) = store.con.execute("SELECT count(*) FROM alerts").fetchone()
        (tagged,) = store.con.execute(
            "SELECT count(*) FROM alerts a JOIN runs r USING (run_id) WHERE r.kind = 'update'"
        ).fetchone()
    assert "alerts: 0 new alerts" in second.render()
    assert total == raised == tagged
    assert json.loads(_run("--db", str(db), "--new", "--format", "json")) == []


def test_db_built_before_alerts_reads_as_none(tmp_path: Path) -> None:
    """A DB without the 0006_alerts migration (an older build) is read, never migrated, by
    `alerts`: a note and no alerts, exit 0; the table appears with the next writer."""
    db = tmp_path / "old.duckdb"
    with Store.open(db) as store:
        store.con.execute("DROP TABLE alerts")
        store.con.execute("DELETE FROM _migrations WHERE name = '0006_alerts'")
    result = CliRunner().invoke(main, ["alerts", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "no alerts yet" in result.output and "[]" in result.output
    with Store.open(db, read_only=True) as store:
        assert not store.has_migration("0006_alerts")
    with Store.open(db) as store:
        assert store.has_migration("0006_alerts")
