"""Stage 1: filings, facts and transcripts from EDGAR (live or a local folder) into DuckDB."""
