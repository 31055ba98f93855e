"""The claimtracker schema: every table, as named migrations applied in order by `Store`.

Why a module of its own: the DDL is data that only grows (a shipped migration is never
edited, a new one is appended), and keeping it apart keeps `db.py` about opening files.
`required_by_readers=False` marks a migration that read-only openers may run without
(additive columns that only writers use), so an older DB stays readable until a writer
applies it.

Data model (natural keys first):
    companies(cik)                      ticker, name, fiscal_year_end "MMDD", tracked
    filings(accession)                  form, dates, fiscal year/quarter, EDGAR URL, status
    documents(document_id)              one per <DOCUMENT> of a filing: type, file, sha256, text
    sections(section_id)                a document split into Items / narrative / tables
    facts(fact_id)                      reported numbers with exact periods and their source
    source_files(path)                  files seen by `ingest --from-dir` (incremental runs)
    runs(run_id)                        every ingest/update run: times, counts, errors
    run_owners(run_id)                  pid/host/process start of the process that ran it
    fetch_queue(accession)              live-EDGAR work list, so interrupted runs resume
    calls(call_id)                      earnings calls (content hash), participants, turns
    sentences(sentence_id)              narrative sentences and transcript sentences
    sentence_sources(source_id)         which sections/turns are split, with their content hash
    embeddings(text_hash, model)        FLOAT[384] vectors, shared by identical sentences
    mentions(mention_id)                topic mentions found in sentences
    articles / claims / claim_scores / claim_evidence   the claim ledger and its verdicts
    alerts(alert_id)                    what changed in a company-quarter (alerts/)
    alert_deliveries(alert_id, url)     alerts POSTed to a webhook (never posted twice)
    alert_inputs(ticker)                what each company's alerts were last computed from
    passage_vectors(text_hash, model)   multilingual-e5 vectors of sentences a Korean claim ranked
(the alert tables' DDL is in claimtracker/schema_alerts.py)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from claimtracker.schema_alerts import ALERT_DELIVERIES, ALERT_INPUTS, ALERTS

EMBEDDING_DIM = 384

#: The bookkeeping table; a DuckDB file without it was not made by claimtracker.
MIGRATIONS_TABLE = "_migrations"


@dataclass(frozen=True)
class Migration:
    """A named schema change; `apply` runs inside the migration's transaction."""

    name: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]
    required_by_readers: bool = True


def _sql(statements: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    def run(con: duckdb.DuckDBPyConnection) -> None:
        for statement in statements.split(";\n"):
            if statement.strip():
                con.execute(statement)

    return run


_0001_FILINGS = """
CREATE TABLE companies (
    cik             BIGINT PRIMARY KEY,
    ticker          VARCHAR,
    name            VARCHAR,
    fiscal_year_end VARCHAR,          -- EDGAR's MMDD, e.g. '1231', '0928'
    tracked         BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at      TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE filings (
    accession        VARCHAR PRIMARY KEY,   -- 0001018724-24-000158
    cik              BIGINT NOT NULL,
    form             VARCHAR NOT NULL,      -- 10-Q, 10-K, 8-K
    filed_date       DATE,
    period_of_report DATE,                  -- as the header gives it
    period_end       DATE,                  -- calendar end of the reported fiscal period
    fiscal_year      INTEGER,
    fiscal_quarter   INTEGER,               -- 1-4; 10-K: 4
    items            VARCHAR[],             -- 8-K items, e.g. ['2.02', '9.01']
    company_name     VARCHAR,
    url              VARCHAR,               -- EDGAR filing index / document URL
    source_path      VARCHAR,               -- local file it was parsed from
    status           VARCHAR NOT NULL,      -- ok | truncated | failed
    error            VARCHAR,
    ingested_at      TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE documents (
    document_id  VARCHAR PRIMARY KEY,       -- accession || '/' || sequence
    accession    VARCHAR NOT NULL,
    sequence     INTEGER NOT NULL,
    type         VARCHAR NOT NULL,          -- 10-Q, EX-99.1, ...
    filename     VARCHAR,
    description  VARCHAR,
    sha256       VARCHAR,
    truncated    BOOLEAN NOT NULL DEFAULT FALSE,
    url          VARCHAR,
    text         VARCHAR                    -- clean text (prose and tables), no markup
);
CREATE TABLE sections (
    section_id   VARCHAR PRIMARY KEY,       -- document_id || '#' || ord
    document_id  VARCHAR NOT NULL,
    accession    VARCHAR NOT NULL,
    item_code    VARCHAR,                   -- 'Part I Item 2', 'Item 7', 'Release: Highlights'
    title        VARCHAR,
    ord          INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,          -- narrative | table
    text         VARCHAR NOT NULL
);
CREATE TABLE facts (
    fact_id        VARCHAR PRIMARY KEY,     -- hash of (source, accession, concept, period, dims, unit)
    cik            BIGINT NOT NULL,
    accession      VARCHAR,                 -- NULL for companyfacts values without one
    concept        VARCHAR NOT NULL,        -- us-gaap:Revenues, dei:EntityNumberOfEmployees, ...
    metric         VARCHAR,                 -- revenue | operating_income | net_income | capex | employees
    value          DOUBLE NOT NULL,         -- in units (dollars, people), never thousands/millions
    unit           VARCHAR,
    decimals       VARCHAR,
    period_start   DATE,                    -- NULL for instants
    period_end     DATE,                    -- the instant for instant facts
    fiscal_year    INTEGER,
    fiscal_quarter INTEGER,                 -- 1-4 for three-month periods; NULL for annual / YTD
    duration_months INTEGER,                -- 3, 6, 9, 12; NULL for instants
    dimensions     VARCHAR,                 -- JSON object of axis -> member; NULL when none
    source         VARCHAR NOT NULL,        -- inline_xbrl | xbrl_instance | release_text | companyfacts
    derived        BOOLEAN NOT NULL DEFAULT FALSE,  -- e.g. Q4 = FY - 9M
    evidence       VARCHAR                  -- the sentence a release_text fact came from
);
CREATE TABLE source_files (
    path         VARCHAR PRIMARY KEY,
    sha256       VARCHAR NOT NULL,
    size         BIGINT,
    mtime        DOUBLE,
    accession    VARCHAR,
    kind         VARCHAR,                   -- submission | primary_document | xbrl_instance | ...
    status       VARCHAR NOT NULL,          -- parsed | failed | skipped
    error        VARCHAR,
    parsed_at    TIMESTAMP DEFAULT current_timestamp
);
CREATE SEQUENCE runs_seq;
CREATE TABLE runs (
    run_id       BIGINT PRIMARY KEY DEFAULT nextval('runs_seq'),
    kind         VARCHAR NOT NULL,          -- ingest-dir | ingest-edgar | update | transcripts | enrich | score
    args         VARCHAR,                   -- JSON of the arguments
    started_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL DEFAULT 'running',   -- running | ok | failed | interrupted
    counts       VARCHAR,                   -- JSON
    errors       VARCHAR                    -- JSON list of {input, error}
);
CREATE TABLE fetch_queue (
    accession    VARCHAR PRIMARY KEY,
    cik          BIGINT NOT NULL,
    ticker       VARCHAR,                   -- folder name in the download cache
    form         VARCHAR NOT NULL,
    filed_date   DATE,
    report_date  DATE,
    primary_document VARCHAR,
    items        VARCHAR,                   -- EDGAR's comma list, e.g. '2.02,9.01'
    url          VARCHAR,                   -- what is downloaded (primary document or .txt)
    local_path   VARCHAR,                   -- relative to the cache dir
    status       VARCHAR NOT NULL,          -- pending | downloaded | ingested | failed
    failure      VARCHAR,                   -- not_found (never retried) | transient | ingest
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        VARCHAR,
    updated_at   TIMESTAMP DEFAULT current_timestamp
)
"""

_0002_TRANSCRIPTS = """
CREATE TABLE calls (
    call_id        VARCHAR PRIMARY KEY,     -- hash of the normalised content
    ticker         VARCHAR NOT NULL,
    cik            BIGINT,
    fiscal_year    INTEGER,
    fiscal_quarter INTEGER,
    call_date      DATE,
    title          VARCHAR,
    format         VARCHAR,                 -- streetevents | sp | sp_split | merged_columns
    source_files   VARCHAR[],
    parse_notes    VARCHAR,                 -- what parsed imperfectly (unmatched speakers...)
    ingested_at    TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE call_participants (
    call_id      VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,          -- management | analyst | operator | investor_relations | unknown
    affiliation  VARCHAR,
    title        VARCHAR,
    ord          INTEGER,                   -- order of the participant lists
    PRIMARY KEY (call_id, name)
);
CREATE TABLE turns (
    turn_id        VARCHAR PRIMARY KEY,     -- call_id || ':' || ord
    call_id        VARCHAR NOT NULL,
    ord            INTEGER NOT NULL,
    speaker        VARCHAR,
    role           VARCHAR NOT NULL,
    section        VARCHAR NOT NULL,        -- prepared | qa
    is_boilerplate BOOLEAN NOT NULL DEFAULT FALSE,
    text           VARCHAR NOT NULL
);
CREATE TABLE call_filings (
    call_id    VARCHAR NOT NULL,
    accession  VARCHAR NOT NULL,
    PRIMARY KEY (call_id, accession)
)
"""

_0003_NLP = f"""
CREATE TABLE sentences (
    sentence_id    VARCHAR PRIMARY KEY,     -- hash of (source_id, start_char, text)
    source_kind    VARCHAR NOT NULL,        -- section | turn
    source_id      VARCHAR NOT NULL,        -- section_id or turn_id
    ord            INTEGER NOT NULL,        -- position within the source
    start_char     INTEGER NOT NULL,        -- offsets into the source text
    end_char       INTEGER NOT NULL,
    text           VARCHAR NOT NULL,
    text_hash      VARCHAR NOT NULL,        -- hash of the embedded text (embeddings key)
    cik            BIGINT,
    ticker         VARCHAR,
    fiscal_year    INTEGER,
    fiscal_quarter INTEGER,
    doc_type       VARCHAR NOT NULL,        -- 10-Q | 10-K | earnings_release | transcript
    section        VARCHAR,                 -- item code, or prepared | qa
    speaker        VARCHAR,
    role           VARCHAR,                 -- management | analyst | operator | investor_relations | NULL (filings)
    accession      VARCHAR,
    call_id        VARCHAR,
    fts_text       VARCHAR,                 -- text pre-tokenised for BM25 ("Trainium 3" -> trainium3)
    embed_text     VARCHAR,                 -- text as embedded, with taxonomy glosses; NULL = text
    tagged_with    VARCHAR,                 -- taxonomy hash the ruler mentions were computed with
    semantic_with  VARCHAR                  -- taxonomy hash the semantic mentions were computed with
);
CREATE TABLE sentence_sources (
    source_id    VARCHAR PRIMARY KEY,       -- section_id or turn_id already split into sentences
    source_kind  VARCHAR NOT NULL,          -- section | turn
    source_hash  VARCHAR NOT NULL,          -- md5 of text + metadata: a change re-splits the source
    n_sentences  INTEGER NOT NULL
);
CREATE TABLE embeddings (
    text_hash  VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,
    vector     FLOAT[{EMBEDDING_DIM}] NOT NULL,
    PRIMARY KEY (text_hash, model)
);
CREATE TABLE mentions (
    mention_id   VARCHAR PRIMARY KEY,       -- hash of (sentence_id, topic, start, end, method)
    sentence_id  VARCHAR NOT NULL,
    topic        VARCHAR NOT NULL,
    surface      VARCHAR,
    start_char   INTEGER,                   -- offsets within the sentence text
    end_char     INTEGER,
    label        VARCHAR,                   -- entity label from the ruler, e.g. PRODUCT
    method       VARCHAR NOT NULL,          -- ruler | semantic
    score        DOUBLE,                    -- similarity for semantic mentions
    numbers      VARCHAR                    -- JSON list of {{text, label}} (MONEY, PERCENT, CARDINAL)
);
CREATE TABLE enrich_state (
    key    VARCHAR PRIMARY KEY,             -- e.g. 'taxonomy_hash'
    value  VARCHAR
)
"""

_0004_CLAIMS = """
CREATE TABLE articles (
    article_id  VARCHAR PRIMARY KEY,        -- ledger file stem
    title       VARCHAR,
    source      VARCHAR,
    language    VARCHAR,
    published   DATE,
    ticker      VARCHAR,
    ledger_path VARCHAR,
    ledger_hash VARCHAR
);
CREATE TABLE claims (
    article_id  VARCHAR NOT NULL,
    claim_id    VARCHAR NOT NULL,
    quote       VARCHAR,
    statement   VARCHAR NOT NULL,
    topics      VARCHAR[],
    kind        VARCHAR NOT NULL,           -- narrative | metric | both
    metric      VARCHAR,
    direction   VARCHAR,                    -- up | down | flat
    horizon     VARCHAR,                    -- past | forecast
    spec        VARCHAR,                    -- the claim as JSON, for fields added later
    PRIMARY KEY (article_id, claim_id)
);
CREATE TABLE claim_scores (
    article_id     VARCHAR NOT NULL,
    claim_id       VARCHAR NOT NULL,
    ticker         VARCHAR NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    fiscal_quarter INTEGER NOT NULL,
    verdict        VARCHAR NOT NULL,        -- supported | mixed | contradicted | not_discussed
    score          DOUBLE NOT NULL,         -- [-1, 1]
    attention      DOUBLE,                  -- share of management sentences on the claim's topics
    attention_detail VARCHAR,               -- JSON: share, sentences, mentioning, trailing, ratio
    metric         VARCHAR,                 -- JSON or NULL
    reason         VARCHAR,
    input_hash     VARCHAR,                 -- what the verdict was computed from (incremental rescoring)
    scored_at      TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (article_id, claim_id, ticker, fiscal_year, fiscal_quarter)
);
CREATE TABLE claim_evidence (
    article_id     VARCHAR NOT NULL,
    claim_id       VARCHAR NOT NULL,
    ticker         VARCHAR NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    fiscal_quarter INTEGER NOT NULL,
    rank           INTEGER NOT NULL,
    sentence_id    VARCHAR NOT NULL,
    stance         VARCHAR NOT NULL,        -- supports | contradicts | neutral
    relevance      DOUBLE,
    cues           VARCHAR,                 -- JSON: the rule cues that decided the stance
    text           VARCHAR NOT NULL,        -- snapshot of the evidence as shown (re-enrich safe)
    speaker        VARCHAR,
    role           VARCHAR,
    doc_type       VARCHAR,
    source         VARCHAR,
    url            VARCHAR,
    PRIMARY KEY (article_id, claim_id, ticker, fiscal_year, fiscal_quarter, rank)
)
"""


# Which process runs a run, so `status` and the next writer can tell a run whose process
# died (kill -9, power loss) from one still going. A table of its own, not ALTER TABLE runs:
# DuckDB 1.5 cannot replay from the WAL an ADD COLUMN on a table with a nextval() default
# (INTERNAL Error "GetDefaultDatabase with no default database set"), which would leave a DB
# killed before its checkpoint unopenable.
_0005_RUN_OWNER = """
CREATE TABLE run_owners (
    run_id      BIGINT PRIMARY KEY,         -- runs.run_id
    pid         INTEGER NOT NULL,
    host        VARCHAR NOT NULL,           -- socket.gethostname()
    proc_start  BIGINT                      -- /proc/<pid>/stat start time, tells a recycled pid
)
"""

# Korean claims rank English sentences with multilingual-e5, which encodes tens of sentences a
# second on 2 cores: its passage vectors are kept, so a rescore does not encode them again.
_0009_PASSAGE_VECTORS = f"""
CREATE TABLE passage_vectors (
    text_hash  VARCHAR NOT NULL,            -- sentences.text_hash
    model      VARCHAR NOT NULL,            -- e.g. multilingual-e5-small-q4:passage
    vector     FLOAT[{EMBEDDING_DIM}] NOT NULL,
    PRIMARY KEY (text_hash, model)
)
"""

#: Applied in order; never edit one that has shipped, append a new one instead.
MIGRATIONS: list[Migration] = [
    Migration("0001_filings", _sql(_0001_FILINGS)),
    Migration("0002_transcripts", _sql(_0002_TRANSCRIPTS)),
    Migration("0003_nlp", _sql(_0003_NLP)),
    Migration("0004_claims", _sql(_0004_CLAIMS)),
    Migration("0005_run_owner", _sql(_0005_RUN_OWNER), required_by_readers=False),
    Migration("0006_alerts", _sql(ALERTS), required_by_readers=False),
    Migration("0007_alert_deliveries", _sql(ALERT_DELIVERIES), required_by_readers=False),
    Migration("0008_alert_inputs", _sql(ALERT_INPUTS), required_by_readers=False),
    Migration("0009_passage_vectors", _sql(_0009_PASSAGE_VECTORS), required_by_readers=False),
]
