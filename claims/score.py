"""Score every claim of every ledger, quarter by quarter, and store verdicts with their evidence.

For each claim the timeline runs from the ticker's first to its last fiscal quarter with data
(sentences or reported numbers); a quarter inside it with no data is "not_discussed". Per
quarter: attention (claims.attention), the metric change (claims.metrics), evidence and
stances (claims.evidence, claims.stance), then the verdict (claims.verdict).

Rescoring is incremental: a claim-quarter's input hash covers the claim's spec, the quarter's
sentences and topic mentions, its attention and metric numbers and the scorer version. When it
matches the stored hash the stored verdict is returned and search is not run again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from claims.attention import Attention, attention_timeline
from claims.compare import company_of
from claims.evidence import SearchFn, claim_hits, pick
from claims.evidence_settings import EVIDENCE_FILE
from claims.forecast_frame import after_period, before_event, framed
from claims.ledger import Claim, Ledger, load_ledger
from claims.ledger import ledger_paths as resolve_ledger_paths
from claims.metrics import MetricSeries
from claims.query import GLOSSARY_FILE
from claims.settings import SCORING_FILE, scoring_settings
from claims.stance import StanceModel, default_stance_model
from claims.stance_subjects import change_basis
from claims.verdict import Verdict, decide
from claimtracker.db import Store
from claimtracker.errors import InputError
from claimtracker.quarters import FiscalQuarter
from claimtracker.runs import record_run
from nlp.provenance import MANAGEMENT_SQL

log = logging.getLogger(__name__)

#: Changes whenever the scoring code changes, so stored verdicts are recomputed.
_SCORER_FILES = ("score.py", "verdict.py", "evidence.py", "evidence_rank.py",
                 "evidence_settings.py", "metrics.py", "attention.py", "query.py",
                 "crosslingual.py", "compare.py", "settings.py", "sentence_subject.py",
                 "anaphora.py", "forecast_frame.py", "stated_growth.py")
SCORER_VERSION = "claims-score-" + hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes()
    for name in _SCORER_FILES if (Path(__file__).parent / name).exists()
)).hexdigest()[:12]


def _data_version() -> str:
    """The retrieval settings, evidence ranking and glossary the evidence depends on (data
    files users edit)."""
    paths = (SCORING_FILE, EVIDENCE_FILE, GLOSSARY_FILE)
    return _data_digest(tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths))


@cache
def _data_digest(mtimes: tuple[float, ...]) -> str:
    digest = hashlib.sha256()
    for path in (SCORING_FILE, EVIDENCE_FILE, GLOSSARY_FILE):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


def canonical(store: Store, ticker: str) -> str:
    """One ticker per company (GOOG and GOOGL are one CIK): claimtracker.tickers decides."""
    from claimtracker.tickers import canonical_ticker

    return canonical_ticker(store.con, ticker)


def metric_change(store: Store, metrics: MetricSeries, claim: Claim, ticker: str,
                  quarter: FiscalQuarter, peers: dict[str, MetricSeries] | None = None,
                  ) -> dict[str, Any] | None:
    """The claim's number for the quarter: against its peers for a comparative claim
    (`peers` caches each company's series for the whole run)."""
    if getattr(claim, "compare", None):
        from claims.compare import compare_change

        return compare_change(store, claim, ticker, quarter, cache=peers)
    if not claim.metric:
        return None
    return metrics.change(claim.metric, quarter, claim.direction, basis=change_basis(claim))
#: Called before each claim is scored: (claims done, claims in the ledger, claim id).
ClaimProgress = Callable[[int, int, str], None]
EVIDENCE_KEYS = ("text", "speaker", "role", "doc_type", "source", "url")


# -- ledger persistence ---------------------------------------------------------------------
def save_ledger(store: Store, ledger: Ledger) -> None:
    """Upsert the article and its claims; claims no longer in the file lose their scores."""
    article = ledger.article
    con = store.con
    con.execute(
        "INSERT OR REPLACE INTO articles (article_id, title, source, language, published, ticker,"
        " ledger_path, ledger_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [article.article_id, article.title, article.source, article.language, article.date,
         article.ticker, str(ledger.path), ledger.digest],
    )
    ids = [c.claim_id for c in ledger.claims]
    for table in ("claims", "claim_scores", "claim_evidence"):
        con.execute(f"DELETE FROM {table} WHERE article_id = ? "
                    "AND claim_id NOT IN (SELECT unnest(?::VARCHAR[]))", [article.article_id, ids])
    for claim in ledger.claims:
        con.execute(
            "INSERT OR REPLACE INTO claims (article_id, claim_id, quote, statement, topics, kind,"
            " metric, direction, horizon, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article.article_id, claim.claim_id, claim.quote, claim.statement, list(claim.topics),
             claim.kind, claim.metric, claim.direction, claim.horizon, claim.spec_json()],
        )


# -- what a quarter's verdict depends on ------------------------------------------------------
def sentence_fingerprints(store: Store, ticker: str) -> dict[FiscalQuarter, str]:
    """A digest of each quarter's management sentences and their topic mentions."""
    rows = store.con.execute(
        f"""
        SELECT s.fiscal_year, s.fiscal_quarter,
               md5(string_agg(s.text_hash || coalesce(m.topics, ''), ',' ORDER BY s.sentence_id))
        FROM sentences s
        LEFT JOIN (SELECT sentence_id, string_agg(DISTINCT topic, '|' ORDER BY topic) AS topics
                   FROM mentions GROUP BY sentence_id) m ON m.sentence_id = s.sentence_id
        WHERE upper(s.ticker) = upper(?) AND s.fiscal_year IS NOT NULL
          AND s.fiscal_quarter IS NOT NULL AND {MANAGEMENT_SQL}
        GROUP BY 1, 2
        """,
        [ticker],
    ).fetchall()
    return {FiscalQuarter(y, q): digest for y, q, digest in rows}


def timeline(sentence_quarters: set[FiscalQuarter], metric_quarters: set[FiscalQuarter],
             history: int | None = None) -> list[FiscalQuarter]:
    """Every quarter from the first to the last with data (gaps included), at most the
    newest `history` of them (data/scoring.yaml: history_quarters)."""
    known = sentence_quarters | metric_quarters
    if not known:
        return []
    first, last = min(known), max(known)
    start = first.index if history is None else max(first.index, last.index - history + 1)
    return [FiscalQuarter.from_index(i) for i in range(start, last.index + 1)]


def input_hash(claim: Claim, quarter: FiscalQuarter, fingerprint: str | None,
               attention: Attention | None, metric: dict[str, Any] | None,
               stance_name: str) -> str:
    payload = json.dumps(
        [SCORER_VERSION, _data_version(), stance_name, claim.spec_json(), str(quarter),
         fingerprint,
         attention.as_dict() if attention else None, metric],
        sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# -- storage of verdicts ------------------------------------------------------------------------
def _stored(store: Store, article_id: str, claim_id: str, ticker: str,
            quarter: FiscalQuarter) -> tuple[str, dict[str, Any]] | None:
    row = store.con.execute(
        "SELECT input_hash, verdict, score, attention, attention_detail, metric, reason "
        "FROM claim_scores WHERE article_id = ? AND claim_id = ? AND ticker = ? "
        "AND fiscal_year = ? AND fiscal_quarter = ?",
        [article_id, claim_id, ticker, quarter.year, quarter.quarter],
    ).fetchone()
    if row is None:
        return None
    evidence = store.con.execute(
        "SELECT text, speaker, role, doc_type, source, url, stance, sentence_id "
        "FROM claim_evidence WHERE article_id = ? AND claim_id = ? AND ticker = ? "
        "AND fiscal_year = ? AND fiscal_quarter = ? ORDER BY rank",
        [article_id, claim_id, ticker, quarter.year, quarter.quarter],
    ).fetchall()
    names = (*EVIDENCE_KEYS, "stance", "sentence_id")
    result = _result(claim_id, article_id, ticker, quarter, row[1], row[2], row[3],
                     json.loads(row[4]) if row[4] else None,
                     json.loads(row[5]) if row[5] else None, row[6],
                     [dict(zip(names, e, strict=True)) for e in evidence])
    return row[0], result


def _write(store: Store, result: dict[str, Any], digest: str,
           evidence_rows: list[dict[str, Any]]) -> None:
    key = [result["article"], result["claim_id"], result["ticker"], result["fiscal_year"],
           result["fiscal_quarter"]]
    con = store.con
    con.execute("DELETE FROM claim_evidence WHERE article_id = ? AND claim_id = ? AND ticker = ? "
                "AND fiscal_year = ? AND fiscal_quarter = ?", key)
    con.execute(
        "INSERT OR REPLACE INTO claim_scores (article_id, claim_id, ticker, fiscal_year,"
        " fiscal_quarter, verdict, score, attention, attention_detail, metric, reason,"
        " input_hash, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [*key, result["verdict"], result["score"], result["attention"],
         json.dumps(result["attention_detail"]) if result["attention_detail"] else None,
         json.dumps(result["metric"]) if result["metric"] else None, result["reason"], digest],
    )
    if not evidence_rows:
        return
    # One statement for all the quarter's evidence: DuckDB's cost is per statement, and the
    # session's scoring writes thousands of rows.
    placeholders = ", ".join(["(" + ", ".join(["?"] * 16) + ")"] * len(evidence_rows))
    con.execute(
        "INSERT INTO claim_evidence (article_id, claim_id, ticker, fiscal_year, fiscal_quarter,"
        " rank, sentence_id, stance, relevance, cues, text, speaker, role, doc_type, source,"
        f" url) VALUES {placeholders}",
        [value for rank, row in enumerate(evidence_rows, start=1) for value in (
            *key, rank, row["sentence_id"], row["stance"], row["relevance"], row["cues"],
            row["text"], row["speaker"], row["role"], row["doc_type"], row["source"], row["url"])],
    )


def _result(claim_id: str, article_id: str, ticker: str, quarter: FiscalQuarter, verdict: str,
            score: float, attention: float | None, attention_detail: dict[str, Any] | None,
            metric: dict[str, Any] | None, reason: str,
            evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The `score --format json` object (the first eight keys are the contract)."""
    return {
        "claim_id": claim_id, "quarter": str(quarter), "verdict": verdict, "score": score,
        "attention": attention, "metric": metric, "reason": reason, "evidence": evidence,
        "article": article_id, "ticker": ticker, "fiscal_year": quarter.year,
        "fiscal_quarter": quarter.quarter, "attention_detail": attention_detail,
    }


# -- scoring ------------------------------------------------------------------------------------
def score_claim_quarter(claim: Claim, article_id: str, ticker: str, quarter: FiscalQuarter, *,
                        hits: list[dict[str, Any]], has_sentences: bool,
                        attention: Attention | None, metric: dict[str, Any] | None,
                        stance_model: StanceModel, fye_month: int = 12,
                        ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One verdict (and the rows of its evidence) from the quarter's retrieved sentences, in
    the forecast's frame (claims.forecast_frame)."""
    settled = after_period(claim, quarter)
    if settled is not None:
        pairs: list[Any] = []
        verdict = Verdict("not_discussed", 0.0, f"after {settled}, the period the forecast "
                                                 f"names: its verdict is {settled}'s")
    else:
        has_data = has_sentences or metric is not None or attention is not None
        pairs, metric = framed(claim, quarter, pick(hits, claim, stance_model), metric,
                               fye_month)
        pairs = before_event(claim, quarter, pairs)
        verdict = decide(claim, [s for _, s in pairs], metric, has_data=has_data)
    reason = verdict.reason
    if attention is not None and attention.ratio is not None:
        reason += f"; attention {attention.ratio:.2f}x its trailing average"
    evidence, rows = [], []
    for hit, stance in pairs:
        evidence.append({**{k: hit.get(k) for k in EVIDENCE_KEYS}, "stance": stance.stance,
                         "sentence_id": hit["sentence_id"]})
        rows.append({**{k: hit.get(k) for k in EVIDENCE_KEYS}, "sentence_id": hit["sentence_id"],
                     "stance": stance.stance, "relevance": hit.get("score"),
                     "cues": json.dumps(stance.as_dict(), ensure_ascii=False)})
    result = _result(claim.claim_id, article_id, ticker, quarter, verdict.verdict, verdict.score,
                     attention.share if attention else None,
                     attention.as_dict() if attention else None, metric, reason, evidence)
    return result, rows


def score_ledger(store: Store, ledger: Ledger, *, stance_model: StanceModel,
                 search: SearchFn | None, counts: dict[str, int],
                 progress: bool = False, on_claim: ClaimProgress | None = None,
                 ) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    with store.transaction():
        save_ledger(store, ledger)
    series: dict[str, MetricSeries] = {}
    fingerprints: dict[str, dict[FiscalQuarter, str]] = {}
    fye_months: dict[str, int] = {}
    for done, claim in enumerate(tqdm(ledger.claims, desc=f"scoring {ledger.article.article_id}",
                                      unit="claim", disable=not progress)):
        if on_claim is not None:
            on_claim(done, len(ledger.claims), claim.claim_id)
        ticker = canonical(store, claim.ticker or ledger.article.ticker)
        if ticker not in fingerprints:  # `series` also caches comparisons' peers
            series.setdefault(ticker, MetricSeries(store, ticker))
            fingerprints[ticker] = sentence_fingerprints(store, ticker)
            company = company_of(store, ticker)
            fye_months[ticker] = company.fye_month if company else 12
        metrics, prints = series[ticker], fingerprints[ticker]
        attention = attention_timeline(store, ticker, claim.topics)
        quarters = timeline(set(prints), metrics.quarters(),
                            history=scoring_settings().history_quarters)
        with store.transaction():
            store.con.execute(
                "DELETE FROM claim_scores WHERE article_id = ? AND claim_id = ? AND ticker = ? "
                "AND (fiscal_year * 4 + fiscal_quarter - 1) NOT IN "
                "(SELECT unnest(?::INTEGER[]))",
                [ledger.article.article_id, claim.claim_id, ticker, [q.index for q in quarters]],
            )
            hits: dict[FiscalQuarter, list[dict[str, Any]]] | None = None
            for quarter in quarters:
                metric = metric_change(store, metrics, claim, ticker, quarter, series)
                digest = input_hash(claim, quarter, prints.get(quarter), attention.get(quarter),
                                    metric, stance_model.name)
                stored = _stored(store, ledger.article.article_id, claim.claim_id, ticker, quarter)
                if stored and stored[0] == digest:
                    results.append(stored[1])
                    counts["unchanged"] = counts.get("unchanged", 0) + 1
                    continue
                if hits is None:  # one search per claim, only when something must be rescored
                    hits = claim_hits(store, claim, ticker, sorted(prints), search=search)
                result, rows = score_claim_quarter(
                    claim, ledger.article.article_id, ticker, quarter,
                    hits=hits.get(quarter, []), has_sentences=quarter in prints,
                    attention=attention.get(quarter), metric=metric, stance_model=stance_model,
                    fye_month=fye_months[ticker])
                _write(store, result, digest, rows)
                results.append(result)
                counts["scored"] = counts.get("scored", 0) + 1
    return results


def score_claims(store: Store, ledger_paths: list[Path] | None = None, *,
                 stance_model: StanceModel | None = None, search: SearchFn | None = None,
                 progress: bool = False, on_claim: ClaimProgress | None = None,
                 warn: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Score every claim of the given ledgers (default data/claims/*.yaml); see module doc.

    A ledger holding the same claims as another (a copy under a second name) is left out and
    named through `warn` (default: the log); when every ledger asked for is such a copy, an
    InputError names them.
    """
    from claims.duplicates import drop_duplicates

    ledgers, copies = drop_duplicates(store, [load_ledger(p) for p in
                                              resolve_ledger_paths(ledger_paths)])
    if not ledgers:
        raise InputError(" ".join(copies))
    for message in copies:
        (warn or log.warning)(f"warning: {message}")
    model = stance_model or default_stance_model()
    results: list[dict[str, Any]] = []
    with record_run(store, "score", {"ledgers": [str(lg.path) for lg in ledgers],
                                     "stance": model.name}) as run:
        for ledger in ledgers:
            results.extend(score_ledger(store, ledger, stance_model=model, search=search,
                                        counts=run.counts, progress=progress,
                                        on_claim=on_claim))
        run.count("claims", sum(len(lg.claims) for lg in ledgers))
    log.info("scored %s claim-quarters, %s unchanged", run.counts.get("scored", 0),
             run.counts.get("unchanged", 0))
    return results
