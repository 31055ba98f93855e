"""Earnings-call transcripts -> calls, participants and turns (issue 4).

`ingest_transcripts(store, paths)` reads files or folders, detects each file's layout
(StreetEvents, S&P, S&P split into presentation + Q&A, merged-column text), resolves every
speaker's role (management | analyst | operator | investor_relations | unknown), stores each
call once (content-hashed id) under its company's CIK and canonical ticker (GOOG and GOOGL
files are one company: claimtracker.tickers) and links it to the company's filings of the
same quarter.
"""

from ingest.transcripts.ingest import TranscriptSummary, collect_files, ingest_transcripts
from ingest.transcripts.linking import link_calls
from ingest.transcripts.query import calls_for, render_calls

__all__ = [
    "TranscriptSummary",
    "calls_for",
    "collect_files",
    "ingest_transcripts",
    "link_calls",
    "render_calls",
]
