"""Hybrid sentence search: BM25 (DuckDB FTS, digits kept) + dense cosine, fused by RRF.

Reciprocal rank fusion needs no score calibration between the two retrievers: a sentence
ranked high by either list rises, one ranked high by both rises most. Filters apply inside
both retrievers (not after fusion), so a narrow filter still returns k hits when they exist.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import numpy as np

from claimtracker.db import Store
from claimtracker.errors import InputError
from claimtracker.quarters import FiscalQuarter
from nlp import fts
from nlp.dense import DenseIndex, Filters, dense_index
from nlp.provenance import transcript_file
from nlp.sources import ALL_DOC_TYPES, EARNINGS_RELEASE
from nlp.taxonomy import load_taxonomy

log = logging.getLogger(__name__)

RRF_K = 60
CANDIDATES = 100  # per retriever, before fusion
#: Weight of the ranking among sentences mentioning every topic the query names: such a
#: sentence matches the query's intent even when it shares no word with it.
TOPIC_WEIGHT = 2.0
ROLES = ("management", "analyst", "operator", "investor_relations", "unknown")
_DOC_TYPE_ALIASES = {"earnings release": EARNINGS_RELEASE, "earnings-release": EARNINGS_RELEASE,
                     "release": EARNINGS_RELEASE, "10q": "10-Q", "10k": "10-K",
                     "call": "transcript", "transcripts": "transcript"}


def _doc_type(value: str | None) -> str | None:
    if not value:
        return None
    normal = _DOC_TYPE_ALIASES.get(value.strip().lower(), value.strip())
    normal = normal.upper() if normal.lower() in ("10-q", "10-k") else normal.lower()
    if normal not in ALL_DOC_TYPES:
        raise InputError(f"doc type {value!r} is unknown; use one of {', '.join(ALL_DOC_TYPES)}.")
    return normal


def build_filters(*, ticker: str | None = None, quarter: str | None = None,
                  from_quarter: str | None = None, to_quarter: str | None = None,
                  doc_type: str | None = None, section: str | None = None,
                  role: str | None = None, topics: Sequence[str] | None = None) -> Filters:
    """Validate user-facing filter values (quarters as "2025Q3") into Filters."""
    if quarter and (from_quarter or to_quarter):
        raise InputError("give either a quarter or a from/to range, not both.")
    low = high = None
    if quarter:
        low = high = FiscalQuarter.parse(quarter).index
    if from_quarter:
        low = FiscalQuarter.parse(from_quarter).index
    if to_quarter:
        high = FiscalQuarter.parse(to_quarter).index
    if low is not None and high is not None and low > high:
        raise InputError(f"--from {from_quarter} is after --to {to_quarter}; swap them.")
    if role and role not in ROLES:
        raise InputError(f"role {role!r} is unknown; use one of {', '.join(ROLES)}.")
    if topics:
        known = load_taxonomy().ids()
        unknown = [t for t in topics if t not in known]
        if unknown:
            raise InputError(f"unknown topics {unknown}; known topics: {', '.join(known)}.")
    return Filters(ticker=ticker, quarter_from=low, quarter_to=high, doc_type=_doc_type(doc_type),
                   section=section, role=role, topics=tuple(topics) if topics else None)


def bm25(store: Store, query: str, filters: Filters, *, limit: int = CANDIDATES,
         index: DenseIndex | None = None, keep: np.ndarray | None = None,
         ) -> list[tuple[str, float]]:
    """BM25 hits within the filters, best first (empty when no index has been built).

    `search` passes the index and the filters' mask it already has (None: no filter).
    """
    if index is None:
        index = dense_index(store)
    lexical = index.lexical(store)
    versioned = fts.versioned_regex(load_taxonomy().versioned_words())
    terms = lexical.query_terms(store, fts.fts_text(query, versioned))
    if not terms:
        return []
    if keep is None and filters != Filters():
        keep = index.mask(store, filters)
    return lexical.top_terms(terms, keep, limit, index.ids)


def dense(store: Store, query: str, filters: Filters, *, limit: int = CANDIDATES,
          ) -> list[tuple[str, float]]:
    """Cosine hits within the filters, best first."""
    index = dense_index(store)
    vector, cosines = _torch_thread().submit(_encode_and_score, index, query).result()
    return index.top(vector, index.mask(store, filters), limit, scores=cosines)


def rrf(*rankings: list[tuple[str, float]], k: int = RRF_K,
        weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of w / (k + rank) over the rankings a sentence appears in."""
    fused: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = weights[i] if weights else 1.0
        for rank, (sid, _) in enumerate(ranking, start=1):
            fused[sid] = fused.get(sid, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


_HITS_SQL = """
SELECT s.sentence_id, s.text, s.ticker, s.fiscal_year, s.fiscal_quarter, s.doc_type,
       s.speaker, s.role, s.section, s.source_kind, s.source_id, s.ord, s.accession, s.call_id
FROM sentences s WHERE s.sentence_id IN ({ids})
"""
_FILING_LINKS_SQL = """
SELECT sec.section_id, coalesce(d.url, f.url), d.filename
FROM sections sec JOIN documents d ON d.document_id = sec.document_id
LEFT JOIN filings f ON f.accession = sec.accession
WHERE sec.section_id IN ({ids})
"""
_CALL_LINKS_SQL = "SELECT call_id, source_files, title FROM calls WHERE call_id IN ({ids})"


def _placeholders(values: Sequence[Any]) -> str:
    """The "?, ?, ?" of a parameterised IN list, one placeholder per value."""
    return ", ".join("?" * len(values))


def hydrate(store: Store, scored: list[tuple[str, float]], *,
            index: DenseIndex | None = None) -> list[dict[str, Any]]:
    """The JSON objects of `claimtracker search --format json`, in the given order.

    A few small lookups by key instead of one query joining whole tables: hydrating ten
    hits must not cost a scan of every sentence, section and call. An IN list of bound
    parameters on a primary key is an index lookup: at 100k sentences 5x faster than
    `list_contains(?, id)` and 10x faster than `IN (SELECT unnest(?))`, a semi-join. The
    neighbours' ids come from the in-memory index, so their text is part of the same lookup.
    """
    if not scored:
        return []
    con = store.con
    if index is None:
        index = dense_index(store)
    neighbours = index.neighbours([sid for sid, _ in scored])
    ids = list({sid: None for sid, _ in scored}
               | {n: None for pair in neighbours.values() for n in pair if n})
    cursor = con.execute(_HITS_SQL.format(ids=_placeholders(ids)), ids)
    names = [d[0] for d in cursor.description]
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
    if not rows:
        return []
    hits = [rows[sid] for sid, _ in scored if sid in rows]
    sections = list({r["source_id"] for r in hits if r["source_kind"] == "section"})
    filing_links = {sid: (url, filename) for sid, url, filename in con.execute(
        _FILING_LINKS_SQL.format(ids=_placeholders(sections)), sections).fetchall()
    } if sections else {}
    calls = list({r["call_id"] for r in hits if r["call_id"]})
    call_links = {cid: (files, title) for cid, files, title in con.execute(
        _CALL_LINKS_SQL.format(ids=_placeholders(calls)), calls).fetchall()} if calls else {}
    out = []
    for sid, score in scored:
        row = rows.get(sid)
        if row is None:
            continue
        before, after = (rows[n]["text"] if n in rows else None
                         for n in neighbours.get(sid, (None, None)))
        context = " ".join(t for t in (before, row["text"], after) if t)
        if row["source_kind"] == "turn":
            files, title = call_links.get(row["call_id"], (None, None))
            url = transcript_file(files, row["section"])
            source = title or url
        else:
            url, filename = filing_links.get(row["source_id"], (None, None))
            source = " ".join(x for x in (row["accession"], filename, row["section"]) if x)
        out.append({
            "sentence_id": sid, "text": row["text"], "context": context, "before": before,
            "ticker": row["ticker"], "fiscal_year": row["fiscal_year"],
            "fiscal_quarter": row["fiscal_quarter"], "doc_type": row["doc_type"],
            "speaker": row["speaker"], "role": row["role"], "section": row["section"],
            "source": source, "url": url, "score": round(score, 6),
        })
    return out


def search(store: Store, query: str, *, ticker: str | None = None, quarter: str | None = None,
           from_quarter: str | None = None, to_quarter: str | None = None,
           doc_type: str | None = None, section: str | None = None, role: str | None = None,
           topics: Sequence[str] | None = None, k: int = 10) -> list[dict[str, Any]]:
    """Top-k sentences for `query` within the filters (see module docstring)."""
    if not query or not query.strip():
        raise InputError("the search query is empty; give some words, e.g. 'Trainium demand'.")
    if k < 1:
        raise InputError(f"k={k}: ask for at least one hit.")
    query, _ = clip_query(query)
    index = dense_index(store)
    if ticker:
        ticker = known_ticker(store, ticker, also=index.tickers())
    filters = build_filters(ticker=ticker, quarter=quarter, from_quarter=from_quarter,
                            to_quarter=to_quarter, doc_type=doc_type, section=section,
                            role=role, topics=topics)
    candidates = max(CANDIDATES, 2 * k)
    if not len(index.ids):
        return []  # nothing enriched yet: no model to load for an empty answer
    # Query embedding and cosines (torch) run on their thread while BM25 runs here.
    pending = _torch_thread().submit(_encode_and_score, index, query)
    keep = index.mask(store, filters)
    rankings = [bm25(store, query, filters, limit=candidates, index=index, keep=keep)]
    query_topics = topics_of(query)
    query_vector, cosines = pending.result()
    rankings.append(index.top(query_vector, keep, candidates, scores=cosines))
    if query_topics:
        masks = [index.topic_mask(store, topic) for topic in query_topics]
        topical = np.logical_and.reduce(masks)
        if not topical.any():
            topical = np.logical_or.reduce(masks)
        allowed = topical if keep is None else keep & topical
        rankings.append(index.top(query_vector, allowed, candidates, scores=cosines))
    weights = [1.0, 1.0, TOPIC_WEIGHT][: len(rankings)]
    return hydrate(store, rrf(*rankings, weights=weights)[:k], index=index)


def clip_query(query: str, limit: int | None = None) -> tuple[str, str | None]:
    """The query cut to data/limits.yaml's search.max_query_chars (at a word boundary when
    there is one), and a notice saying so (None when it fits).

    The embedding model reads its first 256 tokens anyway; a 100 kB query only made BM25,
    the tagger and the tokenizer work for half a minute.
    """
    from claimtracker.limits import load_limits

    limits = load_limits()
    most = limit or limits.query_chars
    if len(query) <= most:
        return query, None
    cut = query[:most]
    space = cut.rfind(" ")
    if space > most // 2:
        cut = cut[:space]
    cut = cut.rstrip()
    return cut, (f"note: the query is {len(query):,} characters; only its first {len(cut):,} "
                 f"are searched (the limit is {most:,}: {limits.where('query_chars')}).")


def known_ticker(store: Store, ticker: str, *, also: Sequence[str] = ()) -> str:
    """The ticker as the DB stores it (GOOGL -> GOOG), or an InputError listing the known ones
    (companies, calls, and the sentences' tickers `also`).

    Without this a mistyped ticker ("AMZM") matched no sentence and the answer blamed a
    missing `enrich`.
    """
    import difflib

    from claimtracker.tickers import canonical_ticker

    wanted = ticker.strip().upper()
    known = [t for (t,) in store.con.execute(
        "SELECT upper(ticker) AS t FROM companies WHERE ticker IS NOT NULL "
        "UNION SELECT upper(ticker) FROM calls WHERE ticker IS NOT NULL ORDER BY t").fetchall()]
    known = sorted(set(known) | {str(t).upper() for t in also})
    if wanted in known:
        return wanted
    canonical = canonical_ticker(store.con, wanted)
    if canonical in known:
        return canonical
    if not known:
        raise InputError(f"no company {wanted} in this DB: it holds no companies yet; load "
                         "filings and calls first (`claimtracker ingest`, `claimtracker "
                         "ingest-transcripts`, then `claimtracker enrich`).")
    close = difflib.get_close_matches(wanted, known, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    listed = ", ".join(known[:30]) + (f", … ({len(known)} in all)" if len(known) > 30 else "")
    raise InputError(f"no company {wanted} in this DB; known: {listed}.{hint}")


@cache
def _torch_thread() -> ThreadPoolExecutor:
    """The one thread that runs torch for searches in this process.

    libgomp keeps a team of OpenMP threads per calling thread; torch work from several
    threads (the app runs each session on its own) would multiply the teams and make them
    spin against each other on 2 cores. One thread means one team.
    """
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-torch")


def _encode_query(query: str, model: str | None = None) -> np.ndarray:
    """The query's vector, by the backend of the index's vectors (`model`, when the index
    records it), else the process's (`claimtracker search` sets the DB's)."""
    from nlp.embedder import backend_of, encode_texts

    return encode_texts([query], backend=backend_of(model))[0]


def _index_model(index: DenseIndex) -> str | None:
    """The model key the index's vectors were read with, if it tells (`model`, or the info
    of its persisted arrays)."""
    model = getattr(index, "model", None)
    info = getattr(getattr(index, "arrays", None), "info", None)
    return model or (info.get("model") if isinstance(info, dict) else None)


def _encode_and_score(index: DenseIndex, query: str) -> tuple[np.ndarray, np.ndarray]:
    vector = _encode_query(query, _index_model(index))
    return vector, index.scores(vector)


@cache
def _query_tagger() -> Any:
    from nlp.tagger import TopicTagger

    return TopicTagger()


def topics_of(query: str) -> list[str]:
    """Topics the query names by a taxonomy term ("custom AI chips" -> custom_silicon).

    They add a third ranking: the dense ranking among sentences that mention all of those
    topics (any of them, if none mentions all). That is how "demand for our custom AI chips"
    reaches "fully subscribed on Trainium2" although the two share no word.
    """
    mentions = _query_tagger().rule_tag([query])[0].mentions
    return list(dict.fromkeys(m.topic for m in mentions if not m.implied))


def render_hits(hits: list[dict[str, Any]]) -> str:
    """Human-readable hits: quarter, who said it, the sentence and where it comes from."""
    if not hits:
        return "No matching sentences (has `claimtracker enrich` run on this DB?)."
    blocks = []
    for rank, hit in enumerate(hits, start=1):
        quarter = (f"{hit['fiscal_year']}Q{hit['fiscal_quarter']}"
                   if hit["fiscal_year"] and hit["fiscal_quarter"] else "?")
        who = f"{hit['speaker']} ({hit['role']})" if hit["speaker"] else hit["doc_type"]
        blocks.append(f"{rank}. [{hit['ticker']} {quarter} {hit['doc_type']}] {who}  "
                      f"score {hit['score']:.4f}\n   {hit['text']}\n"
                      f"   <{hit['url'] or hit['source']}>")
    return "\n".join(blocks)
