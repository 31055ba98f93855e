"""Read model of the Claims page: articles, claims with their verdict timelines, evidence.

Verdicts, scores and evidence are the scorer's rows (claim_scores, claim_evidence), read as
stored; a sentence's link is `nlp.provenance.source_link`, the same as search's and the CLI's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from alerts.model import alert_counts_by_claim
from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from nlp.provenance import is_web_link, source_link
from pipeline.frames import frame_verdict


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


def claim_alerts(store: Store, article_id: str, ticker: str | None = None) -> dict[str, Any]:
    """Per claim, its verdict-flip alerts (of `ticker`, when given) and the Alerts page URL
    that lists them: `?ticker=&kind=verdict_flip&claim=article/claim`, the params that page
    reads. Claims without alerts are absent."""
    out: dict[str, Any] = {}
    for claim_id, n in alert_counts_by_claim(store, article_id, ticker).items():
        params = [("kind", "verdict_flip"), ("claim", f"{article_id}/{claim_id}")]
        if ticker:
            params.insert(0, ("ticker", ticker))
        out[claim_id] = {"count": n, "link": f"/alerts?{urlencode(params)}"}
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
        link = source_link(url, source_files, section)
        out.append({
            "ticker": ticker, "quarter": str(FiscalQuarter(year, q)), "rank": rank,
            "stance": stance, "relevance": relevance, "cues": _json_or_none(cues),
            "sentence_id": sentence_id, "text": text, "speaker": speaker, "role": role,
            "doc_type": doc_type, "section": section, "accession": accession, "call_id": call_id,
            "document": document_label(doc_type, form, accession, filed, title, call_date),
            "link": link, "link_is_url": is_web_link(link),
            "before": before, "after": after,
        })
    return out


def document_label(doc_type: str, form: str | None, accession: str | None, filed: Any,
                    call_title: str | None, call_date: Any) -> str:
    if doc_type == "transcript":
        return " ".join(str(p) for p in ("Call", call_date or "", call_title or "") if p).strip()
    parts = [form or doc_type, accession or "", f"filed {filed}" if filed else ""]
    return " ".join(p for p in parts if p)


def _json_or_none(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw
