"""Read-only queries behind the Streamlit pages: the app's read model.

Pages hold no SQL and no scoring logic: they call these functions with a read-only `Store`
and render what comes back. Every function returns plain lists/dicts (picklable, so the app
can cache them per DB version) and never writes.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter, fiscal_quarter_of, fiscal_year_end_month
from pipeline.frames import frame_verdict
from pipeline.status import status_report

#: The metrics the Metrics page shows, in order (names of `facts.metric`).
METRICS = ("revenue", "operating_income", "net_income", "capex", "employees")

#: When several sources give the same quarter's value, the most authoritative one wins.
SOURCE_PRIORITY = ("inline_xbrl", "xbrl_instance", "companyfacts", "release_text")

#: "Management language": management turns of calls, plus filings and earnings releases
#: (whose sentences carry no speaker role). Analysts and operators never count.
_MANAGEMENT_SQL = "(s.role = 'management' OR (s.doc_type <> 'transcript' AND s.role IS NULL))"


def db_fingerprint(path: str | os.PathLike[str]) -> tuple[str, int, int, int, int]:
    """Identity of the DB's current contents (file and WAL mtime/size): the app's cache key."""
    db = Path(path)

    def stat(p: Path) -> tuple[int, int]:
        try:
            st = p.stat()
        except FileNotFoundError:
            return (0, -1)
        return (st.st_mtime_ns, st.st_size)

    return (str(db.resolve()), *stat(db), *stat(db.with_name(db.name + ".wal")))


def quarter_label(year: int | None, quarter: int | None) -> str | None:
    return str(FiscalQuarter(year, quarter)) if year and quarter else None


# -- overview ------------------------------------------------------------------------------------
def table_counts(store: Store) -> dict[str, int]:
    """Row counts of the tables that decide what a page can show (empty-DB guidance)."""
    tables = ("filings", "calls", "facts", "sentences", "mentions", "claims", "claim_scores")
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def tickers(store: Store) -> list[str]:
    """Companies with any data (filings, calls or sentences), by ticker."""
    rows = store.con.execute(
        "SELECT DISTINCT ticker FROM ("
        " SELECT ticker FROM companies WHERE ticker IS NOT NULL"
        " UNION SELECT ticker FROM calls UNION SELECT ticker FROM sentences"
        ") WHERE ticker IS NOT NULL ORDER BY ticker"
    ).fetchall()
    return [r[0] for r in rows]


def quarters_with_sentences(store: Store, ticker: str | None = None) -> list[str]:
    """Fiscal quarters that have sentences (for quarter pickers), oldest first."""
    rows = store.con.execute(
        "SELECT DISTINCT fiscal_year, fiscal_quarter FROM sentences "
        "WHERE fiscal_year IS NOT NULL AND fiscal_quarter IS NOT NULL "
        "AND (? IS NULL OR ticker = ?) ORDER BY 1, 2",
        [ticker, ticker],
    ).fetchall()
    return [str(FiscalQuarter(y, q)) for y, q in rows]


def topic_ids(store: Store) -> list[str]:
    """Topics that have mentions in the DB (the taxonomy actually in use), sorted."""
    return [r[0] for r in store.con.execute(
        "SELECT DISTINCT topic FROM mentions ORDER BY topic").fetchall()]


# -- claims --------------------------------------------------------------------------------------
def articles(store: Store) -> list[dict[str, Any]]:
    """Articles in the ledger with their claim count, newest first."""
    rows = store.con.execute(
        "SELECT a.article_id, a.title, a.source, a.language, a.published, a.ticker, "
        "a.ledger_path, count(c.claim_id) AS n_claims "
        "FROM articles a LEFT JOIN claims c USING (article_id) "
        "GROUP BY ALL ORDER BY a.published DESC NULLS LAST, a.article_id"
    ).fetchall()
    keys = ("article_id", "title", "source", "language", "published", "ticker", "ledger_path",
            "n_claims")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def claims_with_timelines(store: Store, article_id: str) -> list[dict[str, Any]]:
    """The article's claims, each with its verdicts by quarter (oldest first) and the latest one."""
    claim_rows = store.con.execute(
        "SELECT claim_id, statement, quote, topics, kind, metric, direction, horizon, spec "
        "FROM claims WHERE article_id = ? ORDER BY claim_id",
        [article_id],
    ).fetchall()
    timeline: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim_id, ticker, year, quarter, verdict, score, attention in store.con.execute(
        "SELECT claim_id, ticker, fiscal_year, fiscal_quarter, verdict, score, attention "
        "FROM claim_scores WHERE article_id = ? ORDER BY fiscal_year, fiscal_quarter, ticker",
        [article_id],
    ).fetchall():
        timeline[claim_id].append({
            "ticker": ticker, "quarter": str(FiscalQuarter(year, quarter)),
            "verdict": verdict, "score": score, "attention": attention,
        })
    out = []
    for claim_id, statement, quote, topics, kind, metric, direction, horizon, spec in claim_rows:
        points = timeline.get(claim_id, [])
        discussed = [p for p in points if p["verdict"] != "not_discussed"]
        frame = (json.loads(spec) if spec else {}).get("quarter")
        out.append({
            "claim_id": claim_id, "statement": statement, "quote": quote,
            "topics": list(topics or []), "kind": kind, "metric": metric,
            "direction": direction, "horizon": horizon, "timeline": points,
            "frame": frame,
            "latest": frame_verdict(points, horizon=horizon, frame=frame),
            "newest": points[-1] if points else None,
            "latest_discussed": discussed[-1] if discussed else None,
        })
    return out


def claim_scores(store: Store, article_id: str, claim_id: str) -> list[dict[str, Any]]:
    """One row per (ticker, quarter) with verdict, score, attention, the metric part and reason."""
    rows = store.con.execute(
        "SELECT ticker, fiscal_year, fiscal_quarter, verdict, score, attention, metric, reason, "
        "scored_at FROM claim_scores WHERE article_id = ? AND claim_id = ? "
        "ORDER BY ticker, fiscal_year, fiscal_quarter",
        [article_id, claim_id],
    ).fetchall()
    out = []
    for ticker, year, quarter, verdict, score, attention, metric, reason, scored_at in rows:
        out.append({
            "ticker": ticker, "fiscal_year": year, "fiscal_quarter": quarter,
            "quarter": str(FiscalQuarter(year, quarter)), "verdict": verdict, "score": score,
            "attention": attention, "metric": _json_or_none(metric), "reason": reason,
            "scored_at": scored_at,
        })
    return out


def claim_evidence(store: Store, article_id: str, claim_id: str,
                   quarter: str | None = None) -> list[dict[str, Any]]:
    """Evidence sentences of a claim (optionally one quarter), with speaker, document and link.

    `link` is the EDGAR URL of the document (or filing) for filing sentences and the
    transcript file for call sentences; `before`/`after` are the neighbouring sentences.
    """
    fq = FiscalQuarter.parse(quarter) if quarter else None
    rows = store.con.execute(
        """
        SELECT e.ticker, e.fiscal_year, e.fiscal_quarter, e.rank, e.stance, e.relevance, e.cues,
               s.sentence_id, s.text, s.speaker, s.role, s.doc_type, s.section, s.accession,
               s.call_id, coalesce(d.url, f.url) AS url, f.form, f.filed_date,
               c.source_files, c.title, c.call_date, prev.text AS before, nxt.text AS after
        FROM claim_evidence e
        JOIN sentences s ON s.sentence_id = e.sentence_id
        LEFT JOIN sections sec ON s.source_kind = 'section' AND sec.section_id = s.source_id
        LEFT JOIN documents d ON d.document_id = sec.document_id
        LEFT JOIN filings f ON f.accession = s.accession
        LEFT JOIN calls c ON c.call_id = s.call_id
        LEFT JOIN sentences prev ON prev.source_id = s.source_id AND prev.ord = s.ord - 1
        LEFT JOIN sentences nxt ON nxt.source_id = s.source_id AND nxt.ord = s.ord + 1
        WHERE e.article_id = ? AND e.claim_id = ?
          AND (? IS NULL OR (e.fiscal_year = ? AND e.fiscal_quarter = ?))
        ORDER BY e.fiscal_year DESC, e.fiscal_quarter DESC, e.ticker, e.rank
        """,
        [article_id, claim_id, quarter, fq.year if fq else None, fq.quarter if fq else None],
    ).fetchall()
    out = []
    for r in rows:
        (ticker, year, q, rank, stance, relevance, cues, sentence_id, text, speaker, role,
         doc_type, section, accession, call_id, url, form, filed, source_files, title, call_date,
         before, after) = r
        transcript = transcript_file(source_files, section)
        out.append({
            "ticker": ticker, "quarter": str(FiscalQuarter(year, q)), "rank": rank,
            "stance": stance, "relevance": relevance, "cues": _json_or_none(cues),
            "sentence_id": sentence_id, "text": text, "speaker": speaker, "role": role,
            "doc_type": doc_type, "section": section, "accession": accession, "call_id": call_id,
            "document": _document_label(doc_type, form, accession, filed, title, call_date),
            "link": url if url else transcript,
            "link_is_url": bool(url and str(url).startswith(("http://", "https://"))),
            "before": before, "after": after,
        })
    return out


def transcript_file(files: list[str] | None, section: str | None) -> str | None:
    """The call's file holding a turn: for a call split in two, the Q&A file for Q&A turns."""
    if not files:
        return None
    wanted = {"qa": ("qna", "q&a", "qa."), "prepared": ("presentation", "prepared")}
    for file in files if len(files) > 1 else ():
        if any(key in Path(file).name.lower() for key in wanted.get(section or "", ())):
            return file
    return files[0]


def _document_label(doc_type: str, form: str | None, accession: str | None, filed: Any,
                    call_title: str | None, call_date: Any) -> str:
    if doc_type == "transcript":
        return " ".join(str(p) for p in ("Call", call_date or "", call_title or "") if p).strip()
    parts = [form or doc_type, accession or "", f"filed {filed}" if filed else ""]
    return " ".join(p for p in parts if p)


# -- metrics -------------------------------------------------------------------------------------
def company(store: Store, ticker: str) -> dict[str, Any] | None:
    row = store.con.execute(
        "SELECT cik, ticker, name, fiscal_year_end FROM companies WHERE ticker = ? "
        "ORDER BY tracked DESC, cik LIMIT 1",
        [ticker],
    ).fetchone()
    if not row:
        return None
    return dict(zip(("cik", "ticker", "name", "fiscal_year_end"), row, strict=True))


def metric_facts(store: Store, ticker: str) -> list[dict[str, Any]]:
    """Every quarterly (3-month) or point-in-time fact of the tracked metrics, all sources."""
    info = company(store, ticker)
    if info is None:
        return []
    fye = fiscal_year_end_month(info["fiscal_year_end"])
    rows = store.con.execute(
        """
        SELECT f.metric, f.value, f.unit, f.concept, f.source, f.derived, f.accession,
               f.period_start, f.period_end, f.fiscal_year, f.fiscal_quarter, f.duration_months,
               fl.url, fl.form
        FROM facts f LEFT JOIN filings fl ON fl.accession = f.accession
        WHERE f.cik = ? AND f.metric IS NOT NULL AND f.dimensions IS NULL
          AND ((f.period_start IS NULL)
               OR (f.fiscal_quarter IS NOT NULL AND coalesce(f.duration_months, 3) = 3))
        """,
        [info["cik"]],
    ).fetchall()
    out = []
    for (metric, value, unit, concept, source, derived, accession, start, end, year, quarter,
         _months, url, form) in rows:
        if start is None:  # an instant (employees): the quarter its date falls in
            if end is None:
                continue
            fq = fiscal_quarter_of(end, fye)
        elif year and quarter:
            fq = FiscalQuarter(year, quarter)
        else:
            continue
        out.append({
            "metric": metric, "quarter": str(fq), "fiscal_year": fq.year,
            "fiscal_quarter": fq.quarter, "value": value, "unit": unit, "concept": concept,
            "source": source, "derived": bool(derived), "accession": accession,
            "period_end": end, "url": url, "form": form,
        })
    return out


def _pick(candidates: list[dict[str, Any]]) -> dict[str, Any]:
    def rank(fact: dict[str, Any]) -> tuple[int, int, str]:
        src = fact["source"]
        prio = SOURCE_PRIORITY.index(src) if src in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
        return (int(fact["derived"]), prio, str(fact["period_end"] or ""))

    return sorted(candidates, key=rank)[0]


def metrics_by_quarter(store: Store, ticker: str) -> list[dict[str, Any]]:
    """One row per fiscal quarter: each metric's value, its source, and operating margin.

    The most authoritative source wins (SOURCE_PRIORITY, reported before derived); the row
    keeps every source seen so a disagreement stays visible.
    """
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for fact in metric_facts(store, ticker):
        by_key[(fact["quarter"], fact["metric"])].append(fact)
    quarters = sorted({q for q, _ in by_key}, key=FiscalQuarter.parse)
    out = []
    for quarter in quarters:
        row: dict[str, Any] = {"quarter": quarter}
        for metric in METRICS:
            facts = by_key.get((quarter, metric))
            if not facts:
                row[metric] = None
                row[f"{metric}_source"] = None
                continue
            best = _pick(facts)
            row[metric] = best["value"]
            row[f"{metric}_source"] = best["source"] + (" (derived)" if best["derived"] else "")
            row[f"{metric}_url"] = best["url"]
            row[f"{metric}_sources"] = sorted({f["source"] for f in facts})
            values = {round(f["value"]) for f in facts}
            row[f"{metric}_disagree"] = len(values) > 1
        revenue, op_income = row.get("revenue"), row.get("operating_income")
        row["operating_margin"] = op_income / revenue if revenue and op_income is not None else None
        out.append(row)
    return out


def metric_series(store: Store, ticker: str, metric: str) -> list[dict[str, Any]]:
    """`[{quarter, value, source}]` of one metric (operating_margin is derived), oldest first."""
    rows = metrics_by_quarter(store, ticker)
    if metric == "operating_margin":
        return [{"quarter": r["quarter"], "value": r["operating_margin"],
                 "source": "operating_income / revenue"}
                for r in rows if r["operating_margin"] is not None]
    if metric not in METRICS:  # e.g. operating_leverage: a scorer-side derivation
        return []
    return [{"quarter": r["quarter"], "value": r[metric], "source": r[f"{metric}_source"]}
            for r in rows if r.get(metric) is not None]


# -- topics --------------------------------------------------------------------------------------
def topic_heatmap(store: Store, ticker: str, *, calls_only: bool = False,
                  methods: tuple[str, ...] = ("ruler", "semantic")) -> dict[str, Any]:
    """Mentions per topic and quarter per 1,000 management sentences, with quiet flags.

    A sentence counts once per topic however many terms it names. `went_quiet` marks a
    topic mentioned in two or more quarters that is absent from every later quarter with data.
    Returns {"quarters": [{quarter, management_sentences}], "cells": [{topic, quarter,
    sentences, per_1000}], "topics": [{topic, first, last, quarters_mentioned, went_quiet,
    quiet_quarters, total}]}.
    """
    doc_filter = "AND s.doc_type = 'transcript'" if calls_only else ""
    base_rows = store.con.execute(
        f"SELECT s.fiscal_year, s.fiscal_quarter, count(*) FROM sentences s "
        f"WHERE s.ticker = ? AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT NULL "
        f"AND {_MANAGEMENT_SQL} {doc_filter} GROUP BY ALL ORDER BY 1, 2",
        [ticker],
    ).fetchall()
    base = {str(FiscalQuarter(y, q)): n for y, q, n in base_rows}
    hit_rows = store.con.execute(
        f"SELECT m.topic, s.fiscal_year, s.fiscal_quarter, count(DISTINCT m.sentence_id) "
        f"FROM mentions m JOIN sentences s ON s.sentence_id = m.sentence_id "
        f"WHERE s.ticker = ? AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT NULL "
        f"AND {_MANAGEMENT_SQL} {doc_filter} AND list_contains(?, m.method) "
        f"GROUP BY ALL ORDER BY 1, 2, 3",
        [ticker, list(methods)],
    ).fetchall()
    quarters = list(base)
    cells = []
    mentioned: dict[str, dict[str, int]] = defaultdict(dict)
    for topic, year, quarter, n in hit_rows:
        label = str(FiscalQuarter(year, quarter))
        mentioned[topic][label] = n
        cells.append({"topic": topic, "quarter": label, "sentences": n,
                      "per_1000": 1000.0 * n / base[label]})
    topics = []
    for topic in sorted(mentioned):
        seen = [q for q in quarters if q in mentioned[topic]]
        later = quarters[quarters.index(seen[-1]) + 1:]
        topics.append({
            "topic": topic, "first": seen[0], "last": seen[-1], "quarters_mentioned": len(seen),
            "went_quiet": len(seen) >= 2 and bool(later), "quiet_quarters": len(later),
            "total": sum(mentioned[topic].values()),
        })
    return {
        "quarters": [{"quarter": q, "management_sentences": n} for q, n in base.items()],
        "cells": cells,
        "topics": topics,
    }


# -- data ----------------------------------------------------------------------------------------
def coverage(store: Store) -> list[dict[str, Any]]:
    """Per company and fiscal quarter: filings by form, calls, sentences and mentions."""
    report = status_report(store, recent_runs=0)
    counts: dict[tuple[str, str], tuple[int, int]] = {
        (t, str(FiscalQuarter(y, q))): (n, m)
        for t, y, q, n, m in store.con.execute(
            "SELECT s.ticker, s.fiscal_year, s.fiscal_quarter, count(DISTINCT s.sentence_id), "
            "count(m.mention_id) FROM sentences s LEFT JOIN mentions m USING (sentence_id) "
            "WHERE s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT NULL GROUP BY ALL"
        ).fetchall()
    }
    out = []
    for comp in report["companies"]:
        for q in comp["quarters"]:
            forms: dict[str, int] = defaultdict(int)
            problems = []
            for f in q["filings"]:
                forms[f["form"]] += 1
                if f["status"] != "ok":
                    problems.append(f"{f['accession']} {f['status']}")
            n_sent, n_ment = counts.get((comp["ticker"], q["quarter"]), (0, 0))
            out.append({
                "ticker": comp["ticker"], "quarter": q["quarter"] or "unknown",
                "10-K": forms.get("10-K", 0), "10-Q": forms.get("10-Q", 0),
                "8-K": forms.get("8-K", 0), "calls": len(q["calls"]),
                "sentences": n_sent, "mentions": n_ment, "not_ok": ", ".join(problems),
            })
    return out


def totals(store: Store) -> dict[str, int]:
    return status_report(store, recent_runs=0)["totals"]


def recent_runs(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first, with their counts and error list."""
    return status_report(store, recent_runs=limit)["runs"]


def failed_filings(store: Store) -> list[dict[str, Any]]:
    return status_report(store, recent_runs=0)["failed_filings"]


# -- search --------------------------------------------------------------------------------------
def hit_counts_by_quarter(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Search hits counted per fiscal quarter, oldest first (quarterless hits are skipped)."""
    counts: dict[str, int] = defaultdict(int)
    for hit in hits:
        label = quarter_label(hit.get("fiscal_year"), hit.get("fiscal_quarter"))
        if label:
            counts[label] += 1
    return [{"quarter": q, "hits": counts[q]} for q in sorted(counts, key=FiscalQuarter.parse)]


def _json_or_none(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw
